// SPDX-License-Identifier: GPL-2.0-only
/*
 * HTTP with libmicrohttpd: a pool of polling threads, a bound on
 * connections, an idle timeout, the body bounded by MAX_BODY. Each request
 * is gathered whole (raw URI, headers, body), then handed to handle().
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

enum http_limits : unsigned {
	THREADS = 4,
	CONNECTIONS = 512,		/* at once; more wait in the listen queue */
	IDLE_TIMEOUT = 30,		/* seconds a connection may send nothing */
	HEADER_MEMORY = 64 * 1024,	/* per connection: request line and headers */
};

/* One request in flight: made by the URI log callback, freed when it completes. */
struct exchange {
	std::string uri;
	std::string body;
	bool started = false;
	bool too_big = false;
};

MHD_Result send(struct MHD_Connection *conn, const response &resp)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(resp.body.size(),
		const_cast<char *>(resp.body.data()), MHD_RESPMEM_MUST_COPY);
	MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/xml;charset=UTF-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_SERVER, "vnitrod");
	ret = MHD_queue_response(conn, unsigned(resp.status), r);
	MHD_destroy_response(r);
	return ret;
}

/* An error answered before the request reaches handle(). */
MHD_Result send_error(struct MHD_Connection *conn, int status, const char *code,
		      const std::string &message)
{
	error e;
	response resp;
	std::string id = new_request_id();

	fail(e, status, code, message);
	resp.status = status;
	resp.body = xml_error(e, id);
	return send(conn, resp);
}

void *begin(void *, const char *uri, struct MHD_Connection *)
{
	exchange *x = new exchange;

	x->uri = uri ? uri : "/";
	return x;
}

void complete(void *, struct MHD_Connection *, void **cls, enum MHD_RequestTerminationCode)
{
	delete static_cast<exchange *>(*cls);
	*cls = nullptr;
}

MHD_Result collect_header(void *cls, enum MHD_ValueKind, const char *key, const char *value)
{
	static_cast<request *>(cls)->headers.emplace_back(key, value ? value : "");
	return MHD_YES;
}

MHD_Result serve(void *cls, struct MHD_Connection *conn, const char *, const char *method,
		 const char *, const char *data, size_t *size, void **req_cls)
{
	const config &cfg = *static_cast<const config *>(cls);
	exchange *x = static_cast<exchange *>(*req_cls);

	if (!x)
		return MHD_NO;
	if (!x->started) {
		const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							      MHD_HTTP_HEADER_CONTENT_LENGTH);

		x->started = true;
		if (strcmp(method, "GET") && strcmp(method, "POST"))
			return send_error(conn, 405, "InvalidAction",
					  "vnitrod answers GET and POST requests only");
		if (len && strtoull(len, nullptr, 10) > MAX_BODY)
			return send_error(conn, 413, "RequestEntityTooLarge",
					  "The request body exceeds " + std::to_string(size_t(MAX_BODY)) +
					  " bytes");
		return MHD_YES;
	}
	if (*size) {
		if (x->body.size() + *size > MAX_BODY) {
			/* A chunked body past the bound: answer now, or drop the connection. */
			x->too_big = true;
			*size = 0;
			return send_error(conn, 413, "RequestEntityTooLarge",
					  "The request body exceeds " + std::to_string(size_t(MAX_BODY)) +
					  " bytes");
		}
		x->body.append(data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (x->too_big)
		return MHD_YES;

	request r;
	size_t q = x->uri.find('?');

	r.method = method;
	r.path = x->uri.substr(0, q);
	r.query = q == std::string::npos ? "" : x->uri.substr(q + 1);
	r.body = std::move(x->body);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &r);
	return send(conn, handle(cfg, r, time(nullptr)));
}

} // namespace

struct server {
	struct MHD_Daemon *daemon;
};

server *server_start(const config &cfg, const std::string &addr, uint16_t port, error &e)
{
	struct sockaddr_in sin = {};
	server *s;

	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, addr.c_str(), &sin.sin_addr) != 1) {
		fail(e, 0, "usage", "--listen: \"" + addr + "\" is not an IPv4 address");
		return nullptr;
	}
	s = new server;
	s->daemon = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
				     port, nullptr, nullptr, serve, const_cast<config *>(&cfg),
				     MHD_OPTION_SOCK_ADDR, &sin,
				     MHD_OPTION_THREAD_POOL_SIZE, unsigned(THREADS),
				     MHD_OPTION_CONNECTION_LIMIT, unsigned(CONNECTIONS),
				     MHD_OPTION_CONNECTION_TIMEOUT, unsigned(IDLE_TIMEOUT),
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, size_t(HEADER_MEMORY),
				     MHD_OPTION_URI_LOG_CALLBACK, begin, nullptr,
				     MHD_OPTION_NOTIFY_COMPLETED, complete, nullptr,
				     MHD_OPTION_END);
	if (!s->daemon) {
		fail(e, 0, "listen", "cannot listen on " + addr + ":" + std::to_string(port) +
		     " (address in use, or not an address of this host?)");
		delete s;
		return nullptr;
	}
	return s;
}

uint16_t server_port(server *s)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);

	return info ? info->port : 0;
}

void server_stop(server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	delete s;
}

} // namespace vnitro::ec2
