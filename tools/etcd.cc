// SPDX-License-Identifier: GPL-2.0-only
/* etcd.cc - the v3 JSON gateway client of etcd.h. */
#include "etcd.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/evp.h>

namespace vnitro::etcd {

namespace {

/*
 * libcurl and OpenSSL's libcrypto are opened when the first client is made: every other
 * command of vnitro starts without loading them and the 30 libraries they pull in (a run of
 * `vnitro --help` took 190 ms with them linked in, 73 without, under TCG; cluster.md).
 */
struct libs {
	bool ok = false;
	std::string why;
	decltype(&curl_global_init) global_init;
	decltype(&curl_easy_init) easy_init;
	decltype(&curl_easy_cleanup) easy_cleanup;
	decltype(&curl_easy_reset) easy_reset;
	decltype(&curl_easy_setopt) easy_setopt;
	decltype(&curl_easy_perform) easy_perform;
	decltype(&curl_easy_getinfo) easy_getinfo;
	decltype(&curl_easy_strerror) easy_strerror;
	decltype(&curl_slist_append) slist_append;
	decltype(&curl_slist_free_all) slist_free_all;
	decltype(&EVP_EncodeBlock) encode_block;
	decltype(&EVP_DecodeBlock) decode_block;
};

template <typename F> bool sym(void *lib, const char *name, F *fn, std::string *why)
{
	*fn = reinterpret_cast<F>(dlsym(lib, name));
	if (!*fn)
		*why = std::string("no ") + name + " in it";
	return *fn != nullptr;
}

const libs &lib()
{
	static libs l = [] {
		libs r;
		void *curl = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
		void *crypto = curl ? dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL) : nullptr;

		if (!curl || !crypto) {
			const char *e = dlerror();

			r.why = std::string("etcd needs ") + (curl ? "libcrypto.so.3 (libssl3)" :
							      "libcurl.so.4 (libcurl4)") +
				": " + (e ? e : "not found");
			return r;
		}
		r.ok = sym(curl, "curl_global_init", &r.global_init, &r.why) &&
		       sym(curl, "curl_easy_init", &r.easy_init, &r.why) &&
		       sym(curl, "curl_easy_cleanup", &r.easy_cleanup, &r.why) &&
		       sym(curl, "curl_easy_reset", &r.easy_reset, &r.why) &&
		       sym(curl, "curl_easy_setopt", &r.easy_setopt, &r.why) &&
		       sym(curl, "curl_easy_perform", &r.easy_perform, &r.why) &&
		       sym(curl, "curl_easy_getinfo", &r.easy_getinfo, &r.why) &&
		       sym(curl, "curl_easy_strerror", &r.easy_strerror, &r.why) &&
		       sym(curl, "curl_slist_append", &r.slist_append, &r.why) &&
		       sym(curl, "curl_slist_free_all", &r.slist_free_all, &r.why) &&
		       sym(crypto, "EVP_EncodeBlock", &r.encode_block, &r.why) &&
		       sym(crypto, "EVP_DecodeBlock", &r.decode_block, &r.why);
		if (!r.ok)
			r.why = "libcurl/libcrypto: " + r.why;
		else
			r.global_init(CURL_GLOBAL_DEFAULT);
		return r;
	}();
	return l;
}

std::string b64(const std::string &in)
{
	if (!lib().ok)
		return std::string();
	std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
	int n = lib().encode_block(reinterpret_cast<unsigned char *>(&out[0]),
				reinterpret_cast<const unsigned char *>(in.data()), int(in.size()));

	out.resize(size_t(n));
	return out;
}

bool unb64(const char *in, std::string *out)
{
	size_t len = strlen(in), pad = 0;
	int n;

	if (len % 4 || !lib().ok)
		return false;
	out->assign(len / 4 * 3 + 1, '\0');
	n = lib().decode_block(reinterpret_cast<unsigned char *>(&(*out)[0]),
			    reinterpret_cast<const unsigned char *>(in), int(len));
	if (n < 0)
		return false;
	// EVP_DecodeBlock counts the padding's zero bytes too.
	while (pad < 2 && len > pad && in[len - 1 - pad] == '=')
		pad++;
	out->resize(size_t(n) - pad);
	return true;
}

// The key just past every key that starts with @prefix (etcd's range_end for a prefix).
std::string prefix_end(const std::string &prefix)
{
	std::string end = prefix;

	while (!end.empty()) {
		unsigned char c = static_cast<unsigned char>(end.back());

		if (c < 0xff) {
			end.back() = char(c + 1);
			return end;
		}
		end.pop_back();
	}
	return std::string(1, '\0');	// every key
}

int64_t number(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return 0;	// proto3's JSON leaves zero values out
	return strtoll(json_object_get_string(v), nullptr, 10);
}

json_object *member(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : nullptr;
}

size_t collect(char *data, size_t size, size_t n, void *user)
{
	static_cast<std::string *>(user)->append(data, size * n);
	return size * n;
}

// A watch's stream: the first event ends the wait (returning short stops the transfer).
size_t until_event(char *data, size_t size, size_t n, void *user)
{
	std::string *seen = static_cast<std::string *>(user);

	seen->append(data, size * n);
	return seen->find("\"events\"") == std::string::npos ? size * n : 0;
}

std::string body_of(json_object *req)
{
	std::string s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);

	json_object_put(req);
	return s;
}

json_object *keyed(const std::string &key)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "key", json_object_new_string(b64(key).c_str()));
	return o;
}

} // namespace

std::string default_endpoints()
{
	const char *env = getenv("VNITRO_ETCD");

	return env && *env ? env : "http://127.0.0.1:2379";
}

client::client(const std::string &endpoints)
{
	size_t start = 0;

	while (start <= endpoints.size()) {
		size_t comma = endpoints.find(',', start);
		std::string e = endpoints.substr(start, comma == std::string::npos ? std::string::npos
										     : comma - start);

		if (e.compare(0, 7, "http://") || e.size() == 7 || e.find_first_of(" /?#", 7) !=
								       std::string::npos) {
			err_ = "\"" + e + "\" is not an etcd endpoint (http://HOST:PORT)";
			endpoints_.clear();
			return;
		}
		endpoints_.push_back(e);
		if (comma == std::string::npos)
			break;
		start = comma + 1;
	}
	// Without libcurl the endpoints are still valid; every call fails, saying why.
	if (!lib().ok)
		return;
	curl_ = lib().easy_init();
	if (!curl_) {
		err_ = "libcurl could not start";
		endpoints_.clear();
	}
}

client::~client()
{
	if (curl_)
		lib().easy_cleanup(static_cast<CURL *>(curl_));
}

// The options of one POST of @body to @url, its answer to @write(@data).
void setup(CURL *c, const std::string &url, const std::string &body, struct curl_slist *hdrs,
	   curl_write_callback write, void *data, long timeout_ms)
{
	lib().easy_reset(c);
	lib().easy_setopt(c, CURLOPT_URL, url.c_str());
	lib().easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	lib().easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
	lib().easy_setopt(c, CURLOPT_POSTFIELDSIZE, long(body.size()));
	lib().easy_setopt(c, CURLOPT_WRITEFUNCTION, write);
	lib().easy_setopt(c, CURLOPT_WRITEDATA, data);
	lib().easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	lib().easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	lib().easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	lib().easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
}

/*
 * POSTs @body to @path of the current endpoint, and of the others in turn while one cannot
 * be reached. A reply of the gateway that is an error ({"error": ..., "code": N}) fails.
 */
bool client::post(const char *path, const std::string &body, std::string *reply,
		  long timeout_ms)
{
	CURL *c = static_cast<CURL *>(curl_);
	struct curl_slist *hdrs;
	std::string tried;

	if (!c) {
		err_ = lib().ok ? "no etcd endpoint" : lib().why;
		return false;
	}
	hdrs = lib().slist_append(nullptr, "Content-Type: application/json");
	for (size_t n = 0; n < endpoints_.size(); n++) {
		const std::string &ep = endpoints_[(current_ + n) % endpoints_.size()];
		std::string url = ep + path;
		long status = 0;
		CURLcode rc;

		reply->clear();
		setup(c, url, body, hdrs, collect, reply, timeout_ms);
		rc = lib().easy_perform(c);
		if (rc != CURLE_OK) {
			tried += (tried.empty() ? "" : "; ") + ep + ": " + lib().easy_strerror(rc);
			continue;
		}
		current_ = (current_ + n) % endpoints_.size();
		lib().easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		lib().slist_free_all(hdrs);
		if (status != 200) {
			json_object *r = json_tokener_parse(reply->c_str());
			json_object *m = member(r, "error") ? member(r, "error") : member(r, "message");

			err_ = "etcd at " + ep + " answered " + std::to_string(status) +
			       (m ? std::string(": ") + json_object_get_string(m) : std::string());
			json_object_put(r);
			return false;
		}
		return true;
	}
	lib().slist_free_all(hdrs);
	err_ = "etcd cannot be reached (" + tried + ")";
	return false;
}

bool client::get(const std::string &key, std::string *value, int64_t *mod_revision, bool *found,
		 int64_t *rev)
{
	std::string reply;
	json_object *r, *kvs, *kv;
	bool ok = true;

	if (!post("/v3/kv/range", body_of(keyed(key)), &reply, 10000))
		return false;
	r = json_tokener_parse(reply.c_str());
	kvs = member(r, "kvs");
	kv = kvs && json_object_is_type(kvs, json_type_array) && json_object_array_length(kvs)
		     ? json_object_array_get_idx(kvs, 0) : nullptr;
	*found = kv != nullptr;
	*mod_revision = number(kv, "mod_revision");
	if (rev)
		*rev = number(member(r, "header"), "revision");
	value->clear();
	if (kv && member(kv, "value") && !unb64(json_object_get_string(member(kv, "value")), value)) {
		err_ = "etcd's value of " + key + " is not base64";
		ok = false;
	}
	if (!r) {
		err_ = "etcd's answer is not JSON";
		ok = false;
	}
	json_object_put(r);
	return ok;
}

bool client::list(const std::string &prefix, std::vector<std::pair<std::string, std::string>> *out)
{
	json_object *req = keyed(prefix), *r, *kvs;
	std::string reply;

	json_object_object_add(req, "range_end", json_object_new_string(b64(prefix_end(prefix)).c_str()));
	if (!post("/v3/kv/range", body_of(req), &reply, 10000))
		return false;
	out->clear();
	r = json_tokener_parse(reply.c_str());
	kvs = member(r, "kvs");
	for (size_t i = 0; kvs && i < json_object_array_length(kvs); i++) {
		json_object *kv = json_object_array_get_idx(kvs, i);
		std::string k, v;

		if (!unb64(json_object_get_string(member(kv, "key")), &k) ||
		    (member(kv, "value") && !unb64(json_object_get_string(member(kv, "value")), &v)))
			continue;
		out->emplace_back(k, v);
	}
	json_object_put(r);
	return true;
}

bool client::put_if(const std::string &key, const std::string &value, int64_t expect, bool *won,
		    int64_t *now)
{
	json_object *req = json_object_new_object(), *cmp = keyed(key), *put = keyed(key);
	json_object *succ = json_object_new_object(), *fail = json_object_new_object(), *r;
	std::string reply;

	json_object_object_add(cmp, "target", json_object_new_string("MOD"));
	json_object_object_add(cmp, "result", json_object_new_string("EQUAL"));
	json_object_object_add(cmp, "mod_revision", json_object_new_string(std::to_string(expect).c_str()));
	json_object_object_add(req, "compare", json_object_new_array());
	json_object_array_add(member(req, "compare"), cmp);
	json_object_object_add(put, "value", json_object_new_string(b64(value).c_str()));
	json_object_object_add(succ, "request_put", put);
	json_object_object_add(req, "success", json_object_new_array());
	json_object_array_add(member(req, "success"), succ);
	json_object_object_add(fail, "request_range", keyed(key));
	json_object_object_add(req, "failure", json_object_new_array());
	json_object_array_add(member(req, "failure"), fail);
	if (!post("/v3/kv/txn", body_of(req), &reply, 10000))
		return false;
	r = json_tokener_parse(reply.c_str());
	*won = member(r, "succeeded") && json_object_get_boolean(member(r, "succeeded"));
	if (*won) {
		*now = number(member(r, "header"), "revision");
	} else {
		// The failure branch read the key: its mod_revision now (0: gone).
		json_object *resp = member(r, "responses"), *range, *kvs;

		range = resp && json_object_array_length(resp)
				? member(json_object_array_get_idx(resp, 0), "response_range") : nullptr;
		kvs = member(range, "kvs");
		*now = kvs && json_object_array_length(kvs)
			       ? number(json_object_array_get_idx(kvs, 0), "mod_revision") : 0;
	}
	json_object_put(r);
	return true;
}

bool client::put(const std::string &key, const std::string &value, int64_t lease)
{
	json_object *req = keyed(key);
	std::string reply;

	json_object_object_add(req, "value", json_object_new_string(b64(value).c_str()));
	if (lease)
		json_object_object_add(req, "lease", json_object_new_string(std::to_string(lease).c_str()));
	return post("/v3/kv/put", body_of(req), &reply, 10000);
}

bool client::del(const std::string &key)
{
	std::string reply;

	return post("/v3/kv/deleterange", body_of(keyed(key)), &reply, 10000);
}

bool client::lease_grant(int64_t ttl_s, int64_t *id)
{
	json_object *req = json_object_new_object(), *r;
	std::string reply;

	json_object_object_add(req, "TTL", json_object_new_string(std::to_string(ttl_s).c_str()));
	if (!post("/v3/lease/grant", body_of(req), &reply, 10000))
		return false;
	r = json_tokener_parse(reply.c_str());
	*id = number(r, "ID");
	json_object_put(r);
	if (!*id)
		err_ = "etcd granted no lease";
	return *id != 0;
}

bool client::lease_keepalive(int64_t id, int64_t *ttl_left)
{
	json_object *req = json_object_new_object(), *r;
	std::string reply;

	json_object_object_add(req, "ID", json_object_new_string(std::to_string(id).c_str()));
	if (!post("/v3/lease/keepalive", body_of(req), &reply, 10000))
		return false;
	// A stream of one answer: {"result": {"ID": ..., "TTL": ...}}; TTL absent: expired.
	r = json_tokener_parse(reply.c_str());
	*ttl_left = number(member(r, "result"), "TTL");
	json_object_put(r);
	return true;
}

bool client::wait(const std::string &prefix, int64_t after, long timeout_ms, bool *changed)
{
	json_object *req = json_object_new_object(), *create = keyed(prefix);
	CURL *c = static_cast<CURL *>(curl_);
	struct curl_slist *hdrs;
	std::string seen, body, url;
	CURLcode rc;

	if (!c) {
		err_ = lib().ok ? "no etcd endpoint" : lib().why;
		json_object_put(req);
		json_object_put(create);
		return false;
	}
	json_object_object_add(create, "range_end",
			       json_object_new_string(b64(prefix_end(prefix)).c_str()));
	json_object_object_add(create, "start_revision",
			       json_object_new_string(std::to_string(after + 1).c_str()));
	json_object_object_add(req, "create_request", create);
	body = body_of(req);
	url = endpoints_[current_] + "/v3/watch";
	hdrs = lib().slist_append(nullptr, "Content-Type: application/json");
	setup(c, url, body, hdrs, until_event, &seen, timeout_ms);
	rc = lib().easy_perform(c);
	lib().slist_free_all(hdrs);
	*changed = seen.find("\"events\"") != std::string::npos;
	if (*changed || rc == CURLE_OPERATION_TIMEDOUT)
		return true;
	err_ = "etcd at " + endpoints_[current_] + ": watch: " + lib().easy_strerror(rc);
	current_ = (current_ + 1) % endpoints_.size();	// the next one, next time
	return false;
}

} // namespace vnitro::etcd
