// SPDX-License-Identifier: GPL-2.0-only
/* The "show" command every object shares: one object by its key, or all. */
#ifndef VNITRO_TOOLS_SHOW_H
#define VNITRO_TOOLS_SHOW_H

#include <stdlib.h>

#include "cli.h"
#include "print.h"

namespace vnitro::cli {

/*
 * Prints the object @key names, read with @get, or every object, read with
 * @list if @key is NULL, but for those @keep (when not NULL) turns down; an
 * array either way. The caller has checked the command line already.
 */
template <typename T>
int show_objects(const struct options *opts, const char *key,
		 int (*get)(struct vnitro_handle *h, const char *key, T *out),
		 int (*list)(struct vnitro_handle *h, T **items, size_t *count),
		 void (*print)(printer &p, const T &item),
		 bool (*keep)(const T &item) = nullptr)
{
	T *items = nullptr, one;
	size_t count = 1;
	session s;
	int rc;

	if (!s.open())
		return STATUS_ERROR;
	if (key)
		rc = get(s.handle(), key, &one);
	else
		rc = list(s.handle(), &items, &count);
	if (rc)
		return s.fail();

	printer p(stdout, opts->json, opts->pretty);
	p.open_array();
	for (size_t i = 0; i < count; i++)
		if (key || !keep || keep(items[i]))
			print(p, key ? one : items[i]);
	p.close_array();
	free(items);
	return STATUS_OK;
}

/* Prints the one object a command answers with (add, set ...): an object, not an array. */
template <typename T>
int print_object(const struct options *opts, const T &item, void (*print)(printer &p, const T &item))
{
	printer p(stdout, opts->json, opts->pretty);

	print(p, item);
	return STATUS_OK;
}

} // namespace vnitro::cli

#endif /* VNITRO_TOOLS_SHOW_H */
