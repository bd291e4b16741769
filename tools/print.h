// SPDX-License-Identifier: GPL-2.0-only
/* The one print path: each value goes out as JSON or as text, never both. */
#ifndef VNITRO_TOOLS_PRINT_H
#define VNITRO_TOOLS_PRINT_H

#include <stdint.h>
#include <stdio.h>

namespace vnitro::cli {

/*
 * Like iproute2's print_*() helpers: every call names the JSON key and the
 * text format of a value. A @fmt holds one "%s" standing for the value's
 * text (the number, "on"/"off", ...); a NULL @fmt means "JSON only".
 * In text mode, objects end with a newline and arrays print nothing.
 */
class printer {
public:
	printer(FILE *out, bool json, bool pretty);
	bool json() const { return json_; }

	void open_array();
	/* An array as the value of @key in the enclosing object. */
	void open_array_key(const char *key);
	void close_array();
	void open_object();
	/* An object as the value of @key in the enclosing object; as text, open_object(). */
	void open_object_key(const char *key);
	void close_object();

	/* A NULL @value is JSON null and prints nothing as text. */
	void string(const char *key, const char *fmt, const char *value);
	void uint(const char *key, const char *fmt, uint64_t value);
	void boolean(const char *key, const char *fmt, bool value);
	void null(const char *key);
	/* Text only: layout such as "\n    ". */
	void text(const char *s);

private:
	enum { MAX_DEPTH = 16 };

	void open(char bracket, const char *key = nullptr);
	void close(char bracket);
	void begin_value(const char *key);
	void text_value(const char *fmt, const char *value);
	void quoted(const char *s);
	void newline();

	FILE *out_;
	bool json_;
	bool pretty_;
	int depth_ = 0;
	bool in_object_[MAX_DEPTH] = {};
	bool has_items_[MAX_DEPTH] = {};
};

} // namespace vnitro::cli

#endif /* VNITRO_TOOLS_PRINT_H */
