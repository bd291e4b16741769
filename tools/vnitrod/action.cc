// SPDX-License-Identifier: GPL-2.0-only
/*
 * The request pipeline: parameters, signature, action lookup, parameter
 * names, then the action under the one lock that serialises libvnitro.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include <mutex>

#include <openssl/rand.h>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {


const action_def *find_action(const std::string &name)
{
	static const struct {
		const action_def *defs;
		const size_t *count;
	} tables[] = {
		{ describe_actions, &describe_action_count },
		{ instance_actions, &instance_action_count },
		{ eni_actions, &eni_action_count },
		{ sg_actions, &sg_action_count },
		{ eip_actions, &eip_action_count },
		{ placement_actions, &placement_action_count },
	};

	for (auto &t : tables)
		for (size_t i = 0; i < *t.count; i++)
			if (name == t.defs[i].name)
				return &t.defs[i];
	return nullptr;
}

bool is_presign_param(const std::string &name)
{
	return !name.compare(0, 6, "X-Amz-");
}

/* The query's and the body's parameters; a name given twice is refused. */
bool collect_args(request &r, error &e)
{
	std::vector<std::pair<std::string, std::string>> all;

	if (!form_decode(r.query, all, e) || !form_decode(r.body, all, e))
		return false;
	for (auto &kv : all) {
		if (is_presign_param(kv.first))
			continue;
		if (!r.args.emplace(kv.first, kv.second).second)
			return client_error(e, "InvalidParameterValue", "The parameter " +
					    kv.first.substr(0, 128) + " is given more than once");
	}
	return true;
}

bool check_names(const action_def &a, const params &args, error &e)
{
	for (auto &kv : args) {
		bool known = kv.first == "Action" || kv.first == "Version";

		for (const char *const *p = a.params; !known && *p; p++)
			known = name_matches(*p, kv.first);
		if (!known)
			return client_error(e, "UnknownParameter", "The parameter " +
					    kv.first.substr(0, 128) + " is not recognized by " +
					    a.name + " (or not supported by vnitrod)");
	}
	return true;
}

bool run(const config &cfg, request &r, time_t now, std::string &action, response &resp,
	 error &e)
{
	pugi::xml_document doc;
	const action_def *a;
	bool dry_run = false, given;

	if (!sigv4_verify(cfg, r, now, e) || !collect_args(r, e))
		return false;
	if (!require(r.args, "Action", action, e))
		return false;
	a = find_action(action);
	if (!a)
		return client_error(e, "InvalidAction", "The action " + action.substr(0, 128) +
				    " is not valid for this web service (or not implemented by vnitrod).");
	if (!param(r.args, "Version"))
		return client_error(e, "MissingParameter", "The request must contain the parameter Version");
	if (*param(r.args, "Version") != API_VERSION)
		return client_error(e, "NoSuchVersion", "An invalid or unsupported API version was "
				    "specified: vnitrod speaks 2016-11-15");
	if (!check_names(*a, r.args, e) || !param_bool(r.args, "DryRun", dry_run, given, e))
		return false;

	context c{ cfg, r, action, xml_begin(doc, action, r.request_id), dry_run };
	{
		/* Serialises every action: the handle, and checks followed by changes. */
		std::lock_guard<std::mutex> hold(world_lock);

		if (!a->run(c, e))
			return false;
	}
	resp.status = 200;
	resp.body = xml_string(doc);
	return true;
}

} // namespace

bool dry_run_ok(error &e)
{
	return fail(e, 412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
}

bool return_true(context &c)
{
	xml_bool(c.out, "return", true);
	return true;
}

/* A version 4 UUID from RAND_bytes. */
std::string new_request_id()
{
	unsigned char b[16];
	char out[37];

	if (RAND_bytes(b, sizeof(b)) != 1 && getrandom(b, sizeof(b), 0) != sizeof(b))
		abort();	/* no entropy at all: nothing sensible left to do */
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, sizeof(out),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
	return out;
}

response handle(const config &cfg, request &r, time_t now)
{
	std::string action;
	response resp;
	error e;

	r.request_id = new_request_id();
	if (!run(cfg, r, now, action, resp, e)) {
		resp.status = e.status;
		resp.code = e.code;
		resp.body = xml_error(e, r.request_id);
	}
	/* The log names only actions it knows: the rest is the client's text. */
	fprintf(stderr, "vnitrod: %s %s %s %d%s%s\n", r.request_id.c_str(),
		r.method == "GET" ? "GET" : "POST",
		find_action(action) ? action.c_str() : "-", resp.status,
		resp.code.empty() ? "" : " ", resp.code.c_str());
	return resp;
}

} // namespace vnitro::ec2
