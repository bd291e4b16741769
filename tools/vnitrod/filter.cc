// SPDX-License-Identifier: GPL-2.0-only
/* Describe calls' filters (Filter.N.Name, Filter.N.Value.M) and pagination tokens. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

constexpr size_t TAG_HEX = 32;		/* hex digits of the token's HMAC kept */

std::string hex(const std::string &s)
{
	static const char digits[] = "0123456789abcdef";
	std::string out;

	for (unsigned char c : s) {
		out += digits[c >> 4];
		out += digits[c & 15];
	}
	return out;
}

bool unhex(const std::string &s, std::string &out)
{
	out.clear();
	if (s.size() % 2)
		return false;
	for (size_t i = 0; i < s.size(); i += 2) {
		int v = 0;

		for (int k = 0; k < 2; k++) {
			char c = s[i + k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= c - '0';
			else if (c >= 'a' && c <= 'f')
				v |= c - 'a' + 10;
			else
				return false;
		}
		out += char(v);
	}
	return true;
}

std::string tag(const config &cfg, const std::string &binding, const std::string &last_id)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	std::string data = binding + '\0' + last_id;

	HMAC(EVP_sha256(), cfg.token_key, sizeof(cfg.token_key),
	     reinterpret_cast<const unsigned char *>(data.data()), data.size(), md, &len);
	return hex(std::string(reinterpret_cast<char *>(md), len)).substr(0, TAG_HEX);
}

/* Matches @p from @pi against @s from @si: '*' any run, '?' one character, '\' escapes. */
bool match_from(const std::string &p, size_t pi, const std::string &s, size_t si)
{
	size_t star_p = std::string::npos, star_s = 0;

	while (si < s.size()) {
		if (pi < p.size() && p[pi] == '*') {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < p.size()) {
			bool esc = p[pi] == '\\' && pi + 1 < p.size();
			char pc = esc ? p[pi + 1] : p[pi];

			if ((!esc && pc == '?') || pc == s[si]) {
				pi += esc ? 2 : 1;
				si++;
				continue;
			}
		}
		if (star_p == std::string::npos)
			return false;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < p.size() && p[pi] == '*')
		pi++;
	return pi == p.size();
}

} // namespace

bool wildcard_match(const std::string &pattern, const std::string &s)
{
	return match_from(pattern, 0, s, 0);
}

bool filter_values_match(const filter &f, const std::vector<std::string> &values)
{
	for (auto &want : f.values)
		for (auto &have : values)
			if (wildcard_match(want, have))
				return true;
	return false;
}

bool filter_name_known(const char *const *names, size_t n, const std::string &name)
{
	for (size_t i = 0; i < n; i++)
		if (name == names[i])
			return true;
	return false;
}

/* Filter.N.Name with Filter.N.Value.M; a filter without values matches nothing in EC2: refused. */
bool filters_parse(const params &p, std::vector<filter> &out, error &e)
{
	std::map<std::string, filter> byindex;

	for (auto it = p.lower_bound("Filter."); it != p.end(); ++it) {
		if (it->first.compare(0, 7, "Filter."))
			break;
		size_t dot = it->first.find('.', 7);
		std::string idx = it->first.substr(7, dot == std::string::npos ? dot : dot - 7);
		filter &f = byindex[idx];

		if (it->first.compare(dot == std::string::npos ? it->first.size() : dot,
				      std::string::npos, ".Name") == 0)
			f.name = it->second;
	}
	for (auto &kv : byindex) {
		filter &f = kv.second;

		f.values = param_list(p, "Filter." + kv.first + ".Value");
		if (f.name.empty())
			return client_error(e, "MissingParameter", "The request must contain the "
					    "parameter Filter." + kv.first + ".Name");
		if (f.values.empty())
			return client_error(e, "InvalidParameterValue", "The filter '" + f.name +
					    "' needs at least one value (Filter." + kv.first +
					    ".Value.1)");
		out.push_back(f);
	}
	return true;
}

/*
 * MaxResults 5..1000 and NextToken. A token is HEX(HMAC(key, binding, last
 * id))[:32] "-" HEX(last id): opaque to clients, unforgeable, and valid
 * only for the same action with the same filters and ids (the binding).
 */
bool page_parse(const config &cfg, const params &p, const std::string &action, page &pg,
		error &e)
{
	const std::string *token = param(p, "NextToken");
	uint32_t max = 0;
	bool given;

	pg.binding = action;
	for (auto &kv : p)
		if (!kv.first.compare(0, 7, "Filter.") || kv.first.find("Id.") != std::string::npos ||
		    !kv.first.compare(0, 10, "GroupName."))
			pg.binding += '\n' + kv.first + '=' + kv.second;
	if (!param_uint(p, "MaxResults", PAGE_MIN, PAGE_MAX, max, given, e))
		return false;
	pg.max = given ? max : 0;
	if (!token || token->empty())
		return true;

	size_t dash = token->find('-');
	std::string id;
	if (dash != TAG_HEX || !unhex(token->substr(dash + 1), id) || id.empty() ||
	    CRYPTO_memcmp(tag(cfg, pg.binding, id).data(), token->data(), TAG_HEX))
		return client_error(e, "InvalidPaginationToken", "Invalid pagination token: it is "
				    "not one this daemon gave for this request and these filters");
	pg.after = id;
	if (!pg.max)
		pg.max = PAGE_MAX;
	return true;
}

std::string page_token(const config &cfg, const page &pg, const std::string &last_id)
{
	return tag(cfg, pg.binding, last_id) + "-" + hex(last_id);
}

} // namespace vnitro::ec2
