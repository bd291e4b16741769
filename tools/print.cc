// SPDX-License-Identifier: GPL-2.0-only
/* A small JSON/text writer: the single print path of every object. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"

namespace vnitro::cli {

printer::printer(FILE *out, bool json, bool pretty)
	: out_(out), json_(json), pretty_(json && pretty)
{
}

void printer::newline()
{
	if (!pretty_)
		return;
	fputc('\n', out_);
	for (int i = 0; i < depth_; i++)
		fputs("  ", out_);
}

/* The separator and key in front of a value inside the current container. */
void printer::begin_value(const char *key)
{
	if (depth_ == 0)
		return;
	if (has_items_[depth_])
		fputc(',', out_);
	has_items_[depth_] = true;
	newline();
	if (in_object_[depth_] && key) {
		quoted(key);
		fputs(pretty_ ? ": " : ":", out_);
	}
}

void printer::open(char bracket, const char *key)
{
	begin_value(key);
	fputc(bracket, out_);
	if (depth_ + 1 >= MAX_DEPTH)
		abort();	/* a bug in the caller, not bad input */
	depth_++;
	in_object_[depth_] = bracket == '{';
	has_items_[depth_] = false;
}

void printer::close(char bracket)
{
	bool had_items = has_items_[depth_];

	depth_--;
	if (had_items)
		newline();
	fputc(bracket, out_);
	if (depth_ == 0)
		fputc('\n', out_);
}

void printer::open_array()
{
	if (json_)
		open('[');
}

void printer::open_array_key(const char *key)
{
	if (json_)
		open('[', key);
}

void printer::close_array()
{
	if (json_)
		close(']');
}

void printer::open_object()
{
	if (json_)
		open('{');
}

void printer::open_object_key(const char *key)
{
	if (json_)
		open('{', key);
}

void printer::close_object()
{
	if (json_)
		close('}');
	else
		fputc('\n', out_);
}

void printer::quoted(const char *s)
{
	fputc('"', out_);
	for (; *s; s++) {
		unsigned char c = static_cast<unsigned char>(*s);

		if (c == '"' || c == '\\')
			fprintf(out_, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out_);
		else if (c == '\t')
			fputs("\\t", out_);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out_, "\\u%04x", c);
		else
			fputc(c, out_);	/* UTF-8 passes through */
	}
	fputc('"', out_);
}

/* Writes @fmt with its "%s" replaced by @value; no printf on @fmt. */
void printer::text_value(const char *fmt, const char *value)
{
	const char *hole;

	if (!fmt)
		return;
	hole = strstr(fmt, "%s");
	if (!hole) {
		fputs(fmt, out_);
		return;
	}
	fwrite(fmt, 1, size_t(hole - fmt), out_);
	fputs(value, out_);
	fputs(hole + 2, out_);
}

void printer::string(const char *key, const char *fmt, const char *value)
{
	if (!json_) {
		if (value)
			text_value(fmt, value);
		return;
	}
	begin_value(key);
	if (value)
		quoted(value);
	else
		fputs("null", out_);
}

void printer::uint(const char *key, const char *fmt, uint64_t value)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	if (!json_) {
		text_value(fmt, buf);
		return;
	}
	begin_value(key);
	fputs(buf, out_);
}

void printer::boolean(const char *key, const char *fmt, bool value)
{
	if (!json_) {
		text_value(fmt, value ? "on" : "off");
		return;
	}
	begin_value(key);
	fputs(value ? "true" : "false", out_);
}

void printer::null(const char *key)
{
	if (json_) {
		begin_value(key);
		fputs("null", out_);
	}
}

void printer::text(const char *s)
{
	if (!json_)
		fputs(s, out_);
}

} // namespace vnitro::cli
