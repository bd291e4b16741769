// SPDX-License-Identifier: GPL-2.0-only
/* The Query protocol's parameters: form decoding, URI encoding, typed access. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* application/x-www-form-urlencoded: '+' is a space, %XX a byte; anything else malformed. */
bool percent_decode(const std::string &in, size_t from, size_t to, std::string &out)
{
	out.clear();
	for (size_t i = from; i < to; i++) {
		char c = in[i];

		if (c == '+') {
			out += ' ';
		} else if (c == '%') {
			int hi, lo;

			if (i + 2 >= to)
				return false;
			hi = hex_digit(in[i + 1]);
			lo = hex_digit(in[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			out += char(hi << 4 | lo);
			i += 2;
		} else {
			out += c;
		}
	}
	return true;
}

bool parse_index(const std::string &s, size_t &out)
{
	if (s.empty() || s.size() > 5 || s[0] == '0')
		return false;
	out = 0;
	for (char c : s) {
		if (c < '0' || c > '9')
			return false;
		out = out * 10 + size_t(c - '0');
	}
	return out <= MAX_LIST_INDEX;
}

} // namespace

bool fail(error &e, int status, const char *code, std::string message)
{
	e.status = status;
	e.code = code;
	e.message = std::move(message);
	return false;
}

bool client_error(error &e, const char *code, std::string message)
{
	return fail(e, 400, code, std::move(message));
}

bool form_decode(const std::string &text, std::vector<std::pair<std::string, std::string>> &out,
		 error &e)
{
	size_t pos = 0;

	while (pos < text.size()) {
		size_t amp = text.find('&', pos), eq;
		std::string name, value;

		if (amp == std::string::npos)
			amp = text.size();
		if (amp == pos) {		/* "a=1&&b=2": an empty pair, as browsers allow */
			pos++;
			continue;
		}
		eq = text.find('=', pos);
		if (eq == std::string::npos || eq > amp)
			eq = amp;
		if (!percent_decode(text, pos, eq, name) ||
		    (eq < amp && !percent_decode(text, eq + 1, amp, value)))
			return client_error(e, "InvalidParameterValue",
					    "malformed percent-encoding in the request parameters near \"" +
					    text.substr(pos, std::min<size_t>(amp - pos, 64)) + "\"");
		if (name.empty())
			return client_error(e, "InvalidParameterValue",
					    "a request parameter has an empty name");
		if (out.size() >= MAX_PARAMS)
			return client_error(e, "InvalidParameterValue",
					    "too many request parameters (at most " +
					    std::to_string(size_t(MAX_PARAMS)) + ")");
		out.emplace_back(std::move(name), std::move(value));
		pos = amp + 1;
	}
	return true;
}

/* RFC 3986 unreserved characters stay; everything else %XX, upper case (SigV4's rule). */
std::string uri_encode(const std::string &s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	std::string out;

	for (unsigned char c : s) {
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
			out += char(c);
		} else {
			out += '%';
			out += hex[c >> 4];
			out += hex[c & 15];
		}
	}
	return out;
}

namespace {

std::vector<std::string> split_dots(const std::string &s)
{
	std::vector<std::string> out;
	size_t pos = 0, dot;

	while ((dot = s.find('.', pos)) != std::string::npos) {
		out.push_back(s.substr(pos, dot - pos));
		pos = dot + 1;
	}
	out.push_back(s.substr(pos));
	return out;
}

} // namespace

/* @pattern's segment "N" matches a list index (1..MAX_LIST_INDEX, no leading zero). */
bool name_matches(const char *pattern, const std::string &name)
{
	std::vector<std::string> ps = split_dots(pattern), ns = split_dots(name);
	size_t idx;

	if (ps.size() != ns.size())
		return false;
	for (size_t i = 0; i < ps.size(); i++)
		if (ps[i] == "N" ? !parse_index(ns[i], idx) : ps[i] != ns[i])
			return false;
	return true;
}

const std::string *param(const params &p, const std::string &name)
{
	auto it = p.find(name);

	return it == p.end() ? nullptr : &it->second;
}

bool require(const params &p, const std::string &name, std::string &out, error &e)
{
	const std::string *v = param(p, name);

	if (!v || v->empty())
		return client_error(e, "MissingParameter",
				    "The request must contain the parameter " + name);
	out = *v;
	return true;
}

bool param_bool(const params &p, const std::string &name, bool &out, bool &given, error &e)
{
	const std::string *v = param(p, name);

	given = v != nullptr;
	if (!v)
		return true;
	if (!strcasecmp(v->c_str(), "true"))
		out = true;
	else if (!strcasecmp(v->c_str(), "false"))
		out = false;
	else
		return client_error(e, "InvalidParameterValue", "Value (" + *v + ") for parameter " +
				    name + " is invalid. Expected: 'true' or 'false'.");
	return true;
}

bool param_uint(const params &p, const std::string &name, uint32_t lo, uint32_t hi,
		uint32_t &out, bool &given, error &e)
{
	const std::string *v = param(p, name);
	char *end;
	unsigned long n;

	given = v != nullptr;
	if (!v)
		return true;
	errno = 0;
	n = strtoul(v->c_str(), &end, 10);
	if (v->empty() || *end || errno || (*v)[0] == '-' || (*v)[0] == '+' || n < lo || n > hi)
		return client_error(e, "InvalidParameterValue", "Value (" + *v + ") for parameter " +
				    name + " is invalid. Expected an integer from " +
				    std::to_string(lo) + " to " + std::to_string(hi) + ".");
	out = uint32_t(n);
	return true;
}

bool param_ipv4(const std::string &name, const std::string &text, uint32_t &out, error &e)
{
	struct in_addr a;

	if (inet_pton(AF_INET, text.c_str(), &a) != 1)
		return client_error(e, "InvalidParameterValue", "Value (" + text + ") for parameter " +
				    name + " is invalid. " + text + " is not a valid IPv4 address.");
	out = a.s_addr;
	return true;
}

std::vector<std::string> param_list(const params &p, const std::string &name)
{
	std::map<size_t, std::string> byindex;
	std::string prefix = name + ".";

	for (auto it = p.lower_bound(prefix); it != p.end(); ++it) {
		size_t idx;

		if (it->first.compare(0, prefix.size(), prefix))
			break;
		if (parse_index(it->first.substr(prefix.size()), idx))
			byindex[idx] = it->second;
	}
	std::vector<std::string> out;
	for (auto &kv : byindex)
		out.push_back(kv.second);
	return out;
}

bool group_names(const params &p, std::vector<std::string> &names, error &e)
{
	names = param_list(p, "GroupName");
	if (!names.empty() && param(p, "GroupId.1"))
		return client_error(e, "InvalidParameterCombination", "Give GroupId.N or GroupName.N, "
				    "not both");
	return true;
}

std::vector<std::string> list_indices(const params &p, const std::string &prefix)
{
	std::map<size_t, std::string> byindex;

	for (auto it = p.lower_bound(prefix); it != p.end() && !it->first.compare(0, prefix.size(), prefix); ++it) {
		std::string idx = it->first.substr(prefix.size(), it->first.find('.', prefix.size()) - prefix.size());

		byindex[strtoul(idx.c_str(), nullptr, 10)] = idx;
	}
	std::vector<std::string> out;
	for (auto &kv : byindex)
		out.push_back(kv.second);
	return out;
}

} // namespace vnitro::ec2
