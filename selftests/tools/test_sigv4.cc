// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of vnitrod's request checks: the SigV4 canonical request and
 * signature against AWS's published example (IAM ListUsers, "Create a
 * signed AWS API request") and against requests botocore 1.29's SigV4Auth
 * and SigV4QueryAuth signed (the fixtures below, signed at
 * 2026-12-05T10:00:00Z with the secret of AWS's examples); the verifier's
 * refusals; form decoding; parameter names; filters' wildcards; tokens.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <time.h>

#include "vnitrod.h"

using namespace vnitro::ec2;

/* Criterion's string asserts evaluate their arguments after temporaries die: hold them. */
#define assert_str(expr, want)						\
	do {								\
		std::string got_ = (expr);				\
		cr_assert_str_eq(got_.c_str(), want);			\
	} while (0)

namespace {

const char SECRET[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const char BODY[] = "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-default";
const char AUTHZ[] = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261205/us-east-1/ec2/aws4_request, "
		     "SignedHeaders=content-type;host;x-amz-date, "
		     "Signature=f9d70718ae65f38afa46467933aeb45c3ab9215c0a4223eddbbf3d4cbc0da84c";
const char PRESIGNED[] = "Action=DescribeVpcs&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
			 "&X-Amz-Credential=AKIDTEST%2F20261205%2Fus-east-1%2Fec2%2Faws4_request"
			 "&X-Amz-Date=20261205T100000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
			 "&X-Amz-Signature=142a2cd023d47e6192824296fc95cc5dfc425eeecb61f21fd8c979d55699391a";
const time_t SIGNED_AT = 1796464800;	/* 2026-12-05T10:00:00Z */

config make_config()
{
	config c;

	c.credentials["AKIDTEST"] = SECRET;
	for (size_t i = 0; i < sizeof(c.token_key); i++)
		c.token_key[i] = uint8_t(i);
	return c;
}

/* The POST botocore signed, as vnitrod receives it. */
request signed_post()
{
	request r;

	r.method = "POST";
	r.path = "/";
	r.body = BODY;
	r.headers = { { "Host", "127.0.0.1:8773" },
		      { "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" },
		      { "X-Amz-Date", "20261205T100000Z" },
		      { "Authorization", AUTHZ },
		      { "User-Agent", "not signed" } };
	return r;
}

std::string verify_code(const config &cfg, const request &r, time_t now)
{
	error e;

	return sigv4_verify(cfg, r, now, e) ? "ok" : e.code;
}

} // namespace

Test(sigv4, aws_published_example)
{
	header_list h = { { "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" },
			  { "X-Amz-Date", "20150830T123600Z" },
			  { "Host", "iam.amazonaws.com" } };
	std::string creq = sigv4_canonical_request(
		"GET", "/", sigv4_canonical_query({ { "Version", "2010-05-08" }, { "Action", "ListUsers" } }),
		h, { "content-type", "host", "x-amz-date" }, sha256_hex(""));

	assert_str(creq,
			 "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
			 "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
			 "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
			 "content-type;host;x-amz-date\n"
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_str(sha256_hex(creq),
			 "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
	std::string sts = sigv4_string_to_sign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", creq);
	assert_str(sigv4_signature(SECRET, "20150830", "us-east-1", "iam", sts),
			 "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

Test(sigv4, canonical_headers_trim_and_join)
{
	header_list h = { { "X-Foo", "  a   b  " }, { "x-foo", "c" }, { "Host", "h:1" } };

	assert_str(sigv4_canonical_headers(h, { "host", "x-foo" }), "host:h:1\nx-foo:a b,c\n");
}

Test(sigv4, canonical_query_encodes_and_sorts)
{
	assert_str(sigv4_canonical_query({ { "b", "x y" }, { "a", "1/2~" }, { "Filter.1.Value.1", "*" } }),
			 "Filter.1.Value.1=%2A&a=1%2F2~&b=x%20y");
}

Test(sigv4, botocore_post_verifies)
{
	config cfg = make_config();

	assert_str(verify_code(cfg, signed_post(), SIGNED_AT), "ok");
	assert_str(verify_code(cfg, signed_post(), SIGNED_AT + 14 * 60), "ok");
}

Test(sigv4, botocore_presigned_get_verifies)
{
	config cfg = make_config();
	request r;

	r.method = "GET";
	r.path = "/";
	r.query = PRESIGNED;
	r.headers = { { "Host", "127.0.0.1:8773" } };
	assert_str(verify_code(cfg, r, SIGNED_AT + 10), "ok");
	assert_str(verify_code(cfg, r, SIGNED_AT + 301), "RequestExpired");
	r.query.replace(r.query.find("DescribeVpcs"), 12, "DescribeIgws");
	assert_str(verify_code(cfg, r, SIGNED_AT + 10), "AuthFailure");
}

Test(sigv4, refusals)
{
	config cfg = make_config();
	request r = signed_post();
	error e;

	r.body += "&DryRun=true";	/* the body is what was signed */
	assert_str(verify_code(cfg, r, SIGNED_AT), "AuthFailure");
	assert_str(verify_code(cfg, signed_post(), SIGNED_AT + 20 * 60), "RequestExpired");
	assert_str(verify_code(cfg, signed_post(), SIGNED_AT - 20 * 60), "RequestExpired");

	r = signed_post();
	r.headers[0].second = "127.0.0.1:9999";	/* a signed header changed */
	assert_str(verify_code(cfg, r, SIGNED_AT), "AuthFailure");

	config other = make_config();
	other.region = "eu-west-1";
	cr_assert(!sigv4_verify(other, signed_post(), SIGNED_AT, e));
	assert_str(e.code, "AuthFailure");
	cr_assert_eq(e.status, 401);

	config nokey = make_config();
	nokey.credentials = { { "AKIDOTHER", SECRET } };
	assert_str(verify_code(nokey, signed_post(), SIGNED_AT), "AuthFailure");

	r = signed_post();
	r.headers.erase(r.headers.begin() + 3);
	cr_assert(!sigv4_verify(cfg, r, SIGNED_AT, e));
	assert_str(e.code, "MissingAuthenticationToken");
	cr_assert_eq(e.status, 401);

	r = signed_post();
	r.headers[3].second = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261205/us-east-1/ec2/aws4_request";
	assert_str(verify_code(cfg, r, SIGNED_AT), "IncompleteSignature");
	r.headers[3].second = "AWS AKIDTEST:abc";
	assert_str(verify_code(cfg, r, SIGNED_AT), "IncompleteSignature");

	r = signed_post();
	r.headers.erase(r.headers.begin() + 2);	/* no X-Amz-Date */
	assert_str(verify_code(cfg, r, SIGNED_AT), "IncompleteSignature");

	r = signed_post();
	r.headers.push_back({ "X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD" });
	assert_str(verify_code(cfg, r, SIGNED_AT), "AuthFailure");
	r.headers.back().second = sha256_hex(BODY);
	assert_str(verify_code(cfg, r, SIGNED_AT), "ok");
}

Test(query, form_decode)
{
	std::vector<std::pair<std::string, std::string>> out;
	error e;

	cr_assert(form_decode("Action=X&Filter.1.Value.1=a%2Ab+c&Empty=&Bare", out, e));
	cr_assert_eq(out.size(), 4);
	assert_str(out[1].second, "a*b c");
	assert_str(out[2].second, "");
	assert_str(out[3].first, "Bare");
	out.clear();
	cr_assert(!form_decode("Action=%zz", out, e));
	assert_str(e.code, "InvalidParameterValue");
	cr_assert(!form_decode("Action=%4", out, e));
	cr_assert(!form_decode("=x", out, e));
}

Test(query, name_patterns)
{
	cr_assert(name_matches("Filter.N.Value.N", "Filter.1.Value.12"));
	cr_assert(!name_matches("Filter.N.Value.N", "Filter.01.Value.1"));
	cr_assert(!name_matches("Filter.N.Value.N", "Filter.1.Value"));
	cr_assert(!name_matches("Filter.N.Value.N", "Filter.0.Value.1"));
	cr_assert(!name_matches("Filter.N.Value.N", "Filter.99999999.Value.1"));
	cr_assert(name_matches("SourceDestCheck.Value", "SourceDestCheck.Value"));
	cr_assert(!name_matches("SourceDestCheck.Value", "SourceDestCheck.Value.1"));
}

Test(filter, wildcards)
{
	cr_assert(wildcard_match("eni-*", "eni-0a1b"));
	cr_assert(wildcard_match("*", ""));
	cr_assert(wildcard_match("172.31.0.?", "172.31.0.4"));
	cr_assert(!wildcard_match("172.31.0.?", "172.31.0.44"));
	cr_assert(wildcard_match("a*b*c", "aXXbYYc"));
	cr_assert(!wildcard_match("a*b*c", "aXXbYY"));
	cr_assert(wildcard_match("\\*x", "*x"));
	cr_assert(!wildcard_match("\\*x", "ax"));
	cr_assert(wildcard_match("what\\?", "what?"));
	cr_assert(!wildcard_match("what\\?", "whats"));
}

Test(filter, page_tokens)
{
	config cfg = make_config();
	params p = { { "MaxResults", "5" }, { "Filter.1.Name", "vpc-id" }, { "Filter.1.Value.1", "v" } };
	page pg, back;
	error e;

	cr_assert(page_parse(cfg, p, "DescribeVpcs", pg, e));
	cr_assert_eq(pg.max, 5);
	p["NextToken"] = page_token(cfg, pg, "eni-5");
	cr_assert(page_parse(cfg, p, "DescribeVpcs", back, e));
	assert_str(back.after, "eni-5");
	page other;
	cr_assert(!page_parse(cfg, p, "DescribeSubnets", other, e));	/* another action */
	assert_str(e.code, "InvalidPaginationToken");
	p["Filter.1.Value.1"] = "w";					/* other filters */
	cr_assert(!page_parse(cfg, p, "DescribeVpcs", other, e));
	p["Filter.1.Value.1"] = "v";
	p["NextToken"][3] ^= 1;						/* tampered */
	cr_assert(!page_parse(cfg, p, "DescribeVpcs", other, e));
	p.erase("NextToken");
	p["MaxResults"] = "4";
	cr_assert(!page_parse(cfg, p, "DescribeVpcs", other, e));
	assert_str(e.code, "InvalidParameterValue");
	p["MaxResults"] = "1001";
	cr_assert(!page_parse(cfg, p, "DescribeVpcs", other, e));
}

Test(world, derived_names)
{
	assert_str(attachment_id("eni-0a1b2c3d4e5f60718"), "eni-attach-0a1b2c3d4e5f60718");
	assert_str(eni_of_attachment("eni-attach-0a1b2c3d4e5f60718"), "eni-0a1b2c3d4e5f60718");
	assert_str(eni_of_attachment("eni-attach-"), "");
	assert_str(eni_of_attachment("attach-1"), "");
	assert_str(private_dns_name(htonl(0xac1f0004), "us-east-1a"), "ip-172-31-0-4.ec2.internal");
	assert_str(private_dns_name(htonl(0x0a000001), "eu-west-1b"),
			 "ip-10-0-0-1.eu-west-1.compute.internal");
}
