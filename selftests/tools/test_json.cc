// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the CLI's JSON/text writer (tools/print.cc). */
#include <stdio.h>
#include <stdlib.h>
#include <string>

#include <criterion/criterion.h>

#include "../../tools/print.h"

using vnitro::cli::printer;

/* Captures what a printer writes. */
struct capture {
	char *buf = nullptr;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	std::string text()
	{
		fflush(f);
		return std::string(buf, len);
	}
	~capture()
	{
		fclose(f);
		free(buf);
	}
};

/* Criterion evaluates its arguments more than once: keep the text alive. */
static void expect(capture &c, const char *want)
{
	std::string got = c.text();

	cr_assert_str_eq(got.c_str(), want);
}

/* One object with every kind of value. */
static void sample(printer &p)
{
	p.open_object();
	p.string("id", "%s:", "eni-1");
	p.uint("ifindex", " ifindex %s", 42);
	p.boolean("check", " check %s", true);
	p.string("none", " none %s", nullptr);
	p.null("gone");
	p.text("\n   ");
	p.string("dev", " dev %s", "eth0");
	p.close_object();
}

Test(json, compact_object)
{
	capture c;
	printer p(c.f, true, false);

	sample(p);
	expect(c,
			 "{\"id\":\"eni-1\",\"ifindex\":42,\"check\":true,"
			 "\"none\":null,\"gone\":null,\"dev\":\"eth0\"}\n");
}

Test(json, text_mode)
{
	capture c;
	printer p(c.f, false, true);

	p.open_array();
	sample(p);
	sample(p);
	p.close_array();
	expect(c,
			 "eni-1: ifindex 42 check on\n    dev eth0\n"
			 "eni-1: ifindex 42 check on\n    dev eth0\n");
}

Test(json, compact_array)
{
	capture c;
	printer p(c.f, true, false);

	p.open_array();
	for (int i = 0; i < 2; i++) {
		p.open_object();
		p.uint("n", "%s", uint64_t(i));
		p.close_object();
	}
	p.close_array();
	expect(c, "[{\"n\":0},{\"n\":1}]\n");
}

Test(json, empty_array)
{
	capture c;
	printer p(c.f, true, true);

	p.open_array();
	p.close_array();
	expect(c, "[]\n");
}

Test(json, pretty)
{
	capture c;
	printer p(c.f, true, true);

	p.open_array();
	p.open_object();
	p.string("id", "%s", "vpc-1");
	p.boolean("ok", "%s", false);
	p.close_object();
	p.close_array();
	expect(c,
			 "[\n  {\n    \"id\": \"vpc-1\",\n    \"ok\": false\n  }\n]\n");
}

Test(json, object_under_a_key)
{
	capture c;
	printer p(c.f, true, true);

	p.open_object();
	p.uint("version", nullptr, 1);
	p.open_object_key("world");
	p.uint("n", nullptr, 1000);
	p.close_object();
	p.open_array_key("vpcs");
	p.close_array();
	p.close_object();
	expect(c,
			 "{\n  \"version\": 1,\n  \"world\": {\n    \"n\": 1000\n  },\n"
			 "  \"vpcs\": []\n}\n");
}

Test(json, objects_under_keys_in_a_row)
{
	capture c;
	printer p(c.f, true, false);

	/* The dump's "world" and "path", a u64 seed a JSON number, all its digits. */
	p.open_object();
	p.open_object_key("world");
	p.uint("n", nullptr, 1);
	p.close_object();
	p.open_object_key("path");
	p.uint("seed", nullptr, UINT64_MAX);
	p.close_object();
	p.close_object();
	expect(c, "{\"world\":{\"n\":1},\"path\":{\"seed\":18446744073709551615}}\n");
}

/*
 * "vnitro path show": the world's fields, then "per_path", an array of
 * objects after a u64; as text, a line per path under the world's, which
 * the object's close ends. The paths' objects are JSON's only, as
 * print_one_path() opens them.
 */
static void path_model(printer &p)
{
	p.open_object();
	p.uint("loss_ppm", "loss-ppm %s", 0);
	p.uint("seed", " seed %s", UINT64_MAX);
	p.open_array_key("per_path");
	for (unsigned i = 3; i <= 5; i += 2) {
		if (p.json())
			p.open_object();
		p.text("\n");
		p.uint("path", "path %s:", i);
		p.uint("delay_us", " delay-us %s", i * 1000);
		if (p.json())
			p.close_object();
	}
	p.close_array();
	p.close_object();
}

Test(json, array_of_objects_after_a_u64)
{
	capture c;
	printer p(c.f, true, false);

	path_model(p);
	expect(c, "{\"loss_ppm\":0,\"seed\":18446744073709551615,\"per_path\":"
		  "[{\"path\":3,\"delay_us\":3000},{\"path\":5,\"delay_us\":5000}]}\n");
}

Test(json, text_lines_under_an_objects_line)
{
	capture c;
	printer p(c.f, false, false);

	path_model(p);
	expect(c, "loss-ppm 0 seed 18446744073709551615\n"
		  "path 3: delay-us 3000\n"
		  "path 5: delay-us 5000\n");
}

Test(json, escaping)
{
	capture c;
	printer p(c.f, true, false);

	p.open_object();
	p.string("k", nullptr, "a\"b\\c\nd\te\x01" "f\x7f" "\xc3\xa9");
	p.close_object();
	expect(c,
			 "{\"k\":\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007f\xc3\xa9\"}\n");
}

Test(json, json_only_fields_print_no_text)
{
	capture c;
	printer p(c.f, false, false);

	p.open_object();
	p.string("hidden", nullptr, "x");
	p.uint("n", nullptr, 7);
	p.null("gone");
	p.close_object();
	expect(c, "\n");
}

Test(json, text_hole_and_uint_max)
{
	capture c;
	printer p(c.f, false, false);

	p.uint("n", "<%s>", UINT64_MAX);
	p.string("s", "no hole", "ignored");
	expect(c, "<18446744073709551615>no hole");
}
