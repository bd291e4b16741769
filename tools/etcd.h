// SPDX-License-Identifier: GPL-2.0-only
/*
 * etcd.h - a small client of etcd's v3 API over its JSON gateway (etcd 3.4: /v3/...), with
 * libcurl: what "vnitro cluster" and "vnitrod --etcd" need of the world's store
 * (Documentation/cluster.md). Keys and values travel base64-encoded (OpenSSL's); revisions
 * and lease ids are 64-bit numbers the gateway writes as strings.
 */
#pragma once

#include <stdint.h>

#include <string>
#include <utility>
#include <vector>

namespace vnitro::etcd {

/* The default endpoint list: $VNITRO_ETCD, or etcd's own default. */
std::string default_endpoints();

class client {
public:
	/* @endpoints: "http://HOST:PORT", comma-separated; tried in turn when one fails. */
	explicit client(const std::string &endpoints);
	~client();
	client(const client &) = delete;
	client &operator=(const client &) = delete;

	/* A comma-separated list of http:// URLs; false with why() set otherwise. */
	bool valid() const { return !endpoints_.empty(); }
	/* Why the last call failed: which endpoint, and what it (or libcurl) said. */
	const std::string &why() const { return err_; }

	/* @key's value and mod_revision (*found false, 0: no such key); *rev: the store's. */
	bool get(const std::string &key, std::string *value, int64_t *mod_revision, bool *found,
		 int64_t *rev = nullptr);
	/* Every key under @prefix, in key order, with its value. */
	bool list(const std::string &prefix, std::vector<std::pair<std::string, std::string>> *out);
	/*
	 * Puts @value at @key if its mod_revision is still @expect (0: the key must not exist),
	 * in one transaction: *won false and *now the key's mod_revision when it was not.
	 * On success *now is the new revision.
	 */
	bool put_if(const std::string &key, const std::string &value, int64_t expect, bool *won,
		    int64_t *now);
	/* Puts @value at @key, attached to @lease (0: none). */
	bool put(const std::string &key, const std::string &value, int64_t lease = 0);
	bool del(const std::string &key);
	bool lease_grant(int64_t ttl_s, int64_t *id);
	bool lease_keepalive(int64_t id, int64_t *ttl_left);
	/*
	 * Waits until a key under @prefix changes after revision @after, at most @timeout_ms:
	 * *changed says whether one did (a timeout is no error).
	 */
	bool wait(const std::string &prefix, int64_t after, long timeout_ms, bool *changed);

private:
	bool post(const char *path, const std::string &body, std::string *reply, long timeout_ms);

	std::vector<std::string> endpoints_;
	size_t current_ = 0;
	void *curl_ = nullptr;
	std::string err_;
};

} // namespace vnitro::etcd
