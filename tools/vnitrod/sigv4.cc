// SPDX-License-Identifier: GPL-2.0-only
/*
 * AWS Signature Version 4 verification of a request, in the Authorization
 * header or presigned in the query; the canonical request as botocore's
 * SigV4Auth and AWS's "Create a signed AWS API request" build it.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include <algorithm>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

constexpr const char ALGORITHM[] = "AWS4-HMAC-SHA256";
constexpr const char SERVICE[] = "ec2";
constexpr const char TERMINATOR[] = "aws4_request";
constexpr time_t MAX_SKEW = 15 * 60;		/* EC2's RequestExpired window */
constexpr unsigned long MAX_EXPIRES = 7 * 24 * 3600;	/* a presigned URL's longest life */

std::string hex(const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	std::string out;

	for (size_t i = 0; i < n; i++) {
		out += digits[p[i] >> 4];
		out += digits[p[i] & 15];
	}
	return out;
}

std::string hmac(const std::string &key, const std::string &data)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	HMAC(EVP_sha256(), key.data(), int(key.size()),
	     reinterpret_cast<const unsigned char *>(data.data()), data.size(), md, &len);
	return std::string(reinterpret_cast<char *>(md), len);
}

std::string lower(std::string s)
{
	for (char &c : s)
		c = char(tolower(static_cast<unsigned char>(c)));
	return s;
}

/* Leading and trailing blanks off, inner runs of blanks one space. */
std::string trim_collapse(const std::string &v)
{
	std::string out;
	bool blank = false;

	for (char c : v) {
		if (c == ' ' || c == '\t') {
			blank = !out.empty();
			continue;
		}
		if (blank)
			out += ' ';
		blank = false;
		out += c;
	}
	return out;
}

const std::string *header(const header_list &h, const char *name)
{
	for (auto &kv : h)
		if (!strcasecmp(kv.first.c_str(), name))
			return &kv.second;
	return nullptr;
}

std::vector<std::string> split(const std::string &s, char sep)
{
	std::vector<std::string> out;
	size_t pos = 0, at;

	while ((at = s.find(sep, pos)) != std::string::npos) {
		out.push_back(s.substr(pos, at - pos));
		pos = at + 1;
	}
	out.push_back(s.substr(pos));
	return out;
}

/* YYYYMMDDTHHMMSSZ, as X-Amz-Date carries it. */
bool parse_amz_date(const std::string &s, time_t &out)
{
	struct tm tm = {};
	const char *end;

	if (s.size() != 16)
		return false;
	end = strptime(s.c_str(), "%Y%m%dT%H%M%SZ", &tm);
	if (!end || *end)
		return false;
	out = timegm(&tm);
	return out != time_t(-1);
}

bool incomplete(error &e, std::string message)
{
	return client_error(e, "IncompleteSignature", std::move(message));
}

bool auth_failure(error &e, std::string message)
{
	return fail(e, 401, "AuthFailure", std::move(message));
}

/* What a signature claims: from the Authorization header or the presigned query. */
struct claim {
	std::string credential, signed_headers, signature, amz_date;
	bool presigned = false;
	std::string expires;
};

bool parse_authorization(const std::string &value, claim &c, error &e)
{
	size_t sp = value.find(' ');

	if (value.compare(0, sp, ALGORITHM))
		return incomplete(e, "unsupported authorization scheme: only AWS4-HMAC-SHA256 "
				  "(Signature Version 4) is accepted");
	for (std::string part : split(value.substr(sp == std::string::npos ? value.size() : sp + 1), ',')) {
		size_t eq;

		part = trim_collapse(part);
		eq = part.find('=');
		if (eq == std::string::npos)
			return incomplete(e, "malformed Authorization header component \"" +
					  part.substr(0, 64) + "\"");
		std::string k = part.substr(0, eq), v = part.substr(eq + 1);
		if (k == "Credential")
			c.credential = v;
		else if (k == "SignedHeaders")
			c.signed_headers = v;
		else if (k == "Signature")
			c.signature = v;
		else
			return incomplete(e, "unknown Authorization header component \"" +
					  k.substr(0, 64) + "\"");
	}
	std::string missing;
	if (c.credential.empty())
		missing += " Authorization header requires 'Credential' parameter.";
	if (c.signed_headers.empty())
		missing += " Authorization header requires 'SignedHeaders' parameter.";
	if (c.signature.empty())
		missing += " Authorization header requires 'Signature' parameter.";
	if (!missing.empty())
		return incomplete(e, missing.substr(1));
	return true;
}

bool parse_presigned(const params &q, claim &c, error &e)
{
	static const char *const need[] = { "X-Amz-Credential", "X-Amz-SignedHeaders",
					    "X-Amz-Signature", "X-Amz-Date", "X-Amz-Expires" };
	const std::string *alg = param(q, "X-Amz-Algorithm");

	if (!alg || *alg != ALGORITHM)
		return incomplete(e, "X-Amz-Algorithm must be AWS4-HMAC-SHA256");
	for (const char *n : need)
		if (!param(q, n))
			return incomplete(e, std::string("a presigned request needs the parameter ") + n);
	c.presigned = true;
	c.credential = *param(q, "X-Amz-Credential");
	c.signed_headers = *param(q, "X-Amz-SignedHeaders");
	c.signature = *param(q, "X-Amz-Signature");
	c.amz_date = *param(q, "X-Amz-Date");
	c.expires = *param(q, "X-Amz-Expires");
	return true;
}

bool check_time(const claim &c, time_t now, error &e)
{
	time_t t;

	if (!parse_amz_date(c.amz_date, t))
		return incomplete(e, "X-Amz-Date \"" + c.amz_date.substr(0, 32) +
				  "\" is not of the form YYYYMMDDTHHMMSSZ");
	if (c.presigned) {
		char *end;
		unsigned long n = strtoul(c.expires.c_str(), &end, 10);

		if (c.expires.empty() || *end || n < 1 || n > MAX_EXPIRES)
			return incomplete(e, "X-Amz-Expires must be from 1 to 604800 seconds");
		if (now > t + time_t(n) || t > now + MAX_SKEW)
			return client_error(e, "RequestExpired", "Request has expired: signed at " +
					    c.amz_date + " for " + c.expires + " seconds.");
		return true;
	}
	if (t > now + MAX_SKEW || t < now - MAX_SKEW)
		return client_error(e, "RequestExpired", "Request has expired: X-Amz-Date " +
				    c.amz_date + " is more than 15 minutes from the server's time.");
	return true;
}

} // namespace

std::string sha256_hex(const std::string &data)
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(reinterpret_cast<const unsigned char *>(data.data()), data.size(), md);
	return hex(md, sizeof(md));
}

/* Each name and value URI-encoded, sorted by name then value, joined with '&'. */
std::string sigv4_canonical_query(const std::vector<std::pair<std::string, std::string>> &args)
{
	std::vector<std::pair<std::string, std::string>> enc;
	std::string out;

	for (auto &kv : args)
		enc.emplace_back(uri_encode(kv.first, false), uri_encode(kv.second, false));
	std::sort(enc.begin(), enc.end());
	for (auto &kv : enc) {
		if (!out.empty())
			out += '&';
		out += kv.first + "=" + kv.second;
	}
	return out;
}

/* "name:value\n" for each signed name in order; repeated headers joined with ','. */
std::string sigv4_canonical_headers(const header_list &headers,
				    const std::vector<std::string> &signed_names)
{
	std::string out;

	for (auto &name : signed_names) {
		std::string joined;
		bool first = true;

		for (auto &kv : headers) {
			if (lower(kv.first) != name)
				continue;
			if (!first)
				joined += ',';
			joined += trim_collapse(kv.second);
			first = false;
		}
		out += name + ":" + joined + "\n";
	}
	return out;
}

std::string sigv4_canonical_request(const std::string &method, const std::string &path,
				    const std::string &canonical_query,
				    const header_list &headers,
				    const std::vector<std::string> &signed_names,
				    const std::string &payload_hash)
{
	std::string names;

	for (auto &n : signed_names)
		names += (names.empty() ? "" : ";") + n;
	return method + "\n" + path + "\n" + canonical_query + "\n" +
	       sigv4_canonical_headers(headers, signed_names) + "\n" + names + "\n" + payload_hash;
}

std::string sigv4_string_to_sign(const std::string &amz_date, const std::string &scope,
				 const std::string &canonical_request)
{
	return std::string(ALGORITHM) + "\n" + amz_date + "\n" + scope + "\n" +
	       sha256_hex(canonical_request);
}

std::string sigv4_signature(const std::string &secret, const std::string &date,
			    const std::string &region, const std::string &service,
			    const std::string &string_to_sign)
{
	std::string k = hmac("AWS4" + secret, date);

	k = hmac(k, region);
	k = hmac(k, service);
	k = hmac(k, TERMINATOR);
	k = hmac(k, string_to_sign);
	return hex(reinterpret_cast<const unsigned char *>(k.data()), k.size());
}

/*
 * Checks in the order: the form of the claim, the clock, the scope, the
 * key, the body's hash, the signature. Scope mismatches (date, region,
 * service) are AuthFailure, as EC2 answers a request signed for another
 * region; a claim that cannot be parsed is IncompleteSignature.
 */
bool sigv4_verify(const config &cfg, const request &r, time_t now, error &e)
{
	std::vector<std::pair<std::string, std::string>> query;
	const std::string *authz = header(r.headers, "authorization");
	std::string path, payload_hash;
	std::vector<std::string> cred, names;
	params q;
	claim c;

	if (!form_decode(r.query, query, e))
		return false;
	for (auto &kv : query)
		q.emplace(kv.first, kv.second);
	if (authz) {
		if (!parse_authorization(*authz, c, e))
			return false;
		const std::string *d = header(r.headers, "x-amz-date");
		if (!d)
			return incomplete(e, "Authorization header requires existence of a "
					  "'X-Amz-Date' header.");
		c.amz_date = *d;
	} else if (param(q, "X-Amz-Algorithm") || param(q, "X-Amz-Signature")) {
		if (!parse_presigned(q, c, e))
			return false;
	} else {
		return fail(e, 401, "MissingAuthenticationToken",
			    "Request is missing Authentication Token: sign it with AWS Signature "
			    "Version 4 (AWS4-HMAC-SHA256)");
	}
	if (header(r.headers, "x-amz-security-token") || param(q, "X-Amz-Security-Token"))
		return auth_failure(e, "temporary credentials (a security token) are not accepted "
				    "by vnitrod; use an access key from its credentials file");

	cred = split(c.credential, '/');
	if (cred.size() != 5 || cred[0].empty())
		return incomplete(e, "Credential must be ACCESS_KEY_ID/YYYYMMDD/REGION/ec2/aws4_request");
	if (c.signature.size() != 64 ||
	    c.signature.find_first_not_of("0123456789abcdef") != std::string::npos)
		return incomplete(e, "Signature must be 64 lower-case hexadecimal digits");
	names = split(c.signed_headers, ';');
	for (auto &n : names)
		if (n.empty() || n != lower(n))
			return incomplete(e, "SignedHeaders must be lower-case header names separated by ';'");
	if (!std::is_sorted(names.begin(), names.end()) ||
	    std::adjacent_find(names.begin(), names.end()) != names.end())
		return incomplete(e, "SignedHeaders must be sorted and name each header once");
	if (!std::binary_search(names.begin(), names.end(), std::string("host")))
		return incomplete(e, "SignedHeaders must include host");
	for (auto &n : names)
		if (!header(r.headers, n.c_str()))
			return incomplete(e, "signed header \"" + n.substr(0, 64) +
					  "\" is not in the request");

	if (!check_time(c, now, e))
		return false;
	if (cred[1] != c.amz_date.substr(0, 8))
		return auth_failure(e, "Credential should be scoped to a valid date: " + cred[1] +
				    " is not the date of X-Amz-Date " + c.amz_date + ".");
	if (cred[2] != cfg.region)
		return auth_failure(e, "Credential should be scoped to a valid region, not '" +
				    cred[2].substr(0, 32) + "'; this endpoint serves '" + cfg.region + "'.");
	if (cred[3] != SERVICE)
		return auth_failure(e, "Credential should be scoped to correct service: 'ec2'.");
	if (cred[4] != TERMINATOR)
		return auth_failure(e, "Credential should be scoped with a valid terminator: "
				    "'aws4_request'.");
	auto key = cfg.credentials.find(cred[0]);
	if (key == cfg.credentials.end())
		return auth_failure(e, "AWS was not able to validate the provided access credentials");

	payload_hash = sha256_hex(r.body);
	if (const std::string *h = header(r.headers, "x-amz-content-sha256")) {
		if (*h != payload_hash)
			return auth_failure(e, "x-amz-content-sha256 does not match the request body "
					    "(vnitrod accepts no UNSIGNED-PAYLOAD)");
	}

	/* The path as signed: decoded, then encoded again (what non-S3 services do). */
	std::vector<std::pair<std::string, std::string>> one;
	if (!form_decode("p=" + (r.path.empty() ? std::string("/") : r.path), one, e))
		return false;
	path = uri_encode(one.empty() ? std::string("/") : one[0].second, true);
	if (c.presigned)
		query.erase(std::remove_if(query.begin(), query.end(),
					   [](auto &kv) { return kv.first == "X-Amz-Signature"; }),
			    query.end());

	std::string creq = sigv4_canonical_request(r.method, path, sigv4_canonical_query(query),
						   r.headers, names, payload_hash);
	std::string scope = cred[1] + "/" + cred[2] + "/" + cred[3] + "/" + cred[4];
	std::string want = sigv4_signature(key->second, cred[1], cred[2], cred[3],
					   sigv4_string_to_sign(c.amz_date, scope, creq));

	if (CRYPTO_memcmp(want.data(), c.signature.data(), want.size()))
		return auth_failure(e, "AWS was not able to validate the provided access credentials");
	return true;
}

} // namespace vnitro::ec2
