// SPDX-License-Identifier: GPL-2.0-only
/* Prefix matching, the "help" every object has, and the argument cursor. */
#include <string.h>

#include "cli.h"

namespace vnitro::cli {

namespace {

/*
 * The one entry @word names: an exact match, else the only prefix match.
 * Entries for which @same() holds (aliases) count as one.
 */
template <typename NameAt, typename Same>
int find_match(const char *word, size_t count, NameAt name_at, Same same,
	       const char *kind)
{
	int found = -1;
	bool ambiguous = false;

	for (size_t i = 0; i < count; i++) {
		if (!strcmp(word, name_at(i)))
			return int(i);
		if (!is_prefix(word, name_at(i)))
			continue;
		if (found < 0)
			found = int(i);
		else if (!same(size_t(found), i))
			ambiguous = true;
	}
	if (!ambiguous)
		return found;

	char list[256] = "";
	for (size_t i = 0; i < count; i++) {
		if (!is_prefix(word, name_at(i)))
			continue;
		if (list[0])
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		strncat(list, name_at(i), sizeof(list) - strlen(list) - 1);
	}
	usage_error("ambiguous %s \"%s\": could be %s", kind, word, list);
}

/* Every object has "help", matched as if it came last in its table. */
const char *command_name(const struct object *obj, size_t k)
{
	return k < obj->count ? obj->commands[k].name : "help";
}

int help(const struct object *obj)
{
	obj->usage(stdout);
	return STATUS_OK;
}

} // namespace

bool is_prefix(const char *word, const char *of)
{
	size_t len = strlen(word);

	return len > 0 && !strncmp(word, of, len);
}

int match_word(const char *word, const char *const *names, size_t count,
	       const char *kind)
{
	return find_match(
		word, count, [&](size_t i) { return names[i]; },
		[](size_t, size_t) { return false; }, kind);
}

int run_object(const struct options *opts, const struct object *obj,
	       int argc, char **argv)
{
	const struct command *cmds = obj->commands;
	size_t count = obj->count;
	int i;

	/* "apply FILE", "dump": an object that is its one, unnamed command. */
	if (count == 1 && !cmds[0].name) {
		if (argc > 0 && !strcmp(argv[0], "help"))
			return help(obj);
		return cmds[0].run(opts, argc, argv);
	}
	if (argc == 0)
		return count ? cmds[0].run(opts, 0, argv) : help(obj);

	i = find_match(
		argv[0], count + 1,
		[&](size_t k) { return command_name(obj, k); },
		[&](size_t a, size_t b) {
			return a < count && b < count &&
			       cmds[a].run == cmds[b].run;
		},
		"command");
	if (i < 0)
		usage_error("unknown command \"%s\" for object \"%s\"; try \"vnitro %s help\"",
			    argv[0], obj->name, obj->name);
	if (size_t(i) == count)
		return help(obj);
	argc--;
	argv++;
	/* "vnitro eni add help": help at the command level, too. */
	if (argc > 0 && !strcmp(argv[0], "help"))
		return help(obj);
	return cmds[i].run(opts, argc, argv);
}

arg_cursor::arg_cursor(int argc, char **argv, const char *object)
	: argc_(argc), argv_(argv), object_(object)
{
}

const char *arg_cursor::next()
{
	if (!more())
		return nullptr;
	argc_--;
	return *argv_++;
}

const char *arg_cursor::value(const char *keyword)
{
	if (!more())
		usage_error("\"%s\" needs a value; try \"vnitro %s help\"",
			    keyword, object_);
	return next();
}

int arg_cursor::keyword(const char *const *names, size_t count)
{
	const char *word = next();
	int i;

	if (!word)
		usage_error("a keyword is missing; try \"vnitro %s help\"",
			    object_);
	i = match_word(word, names, count, "keyword");
	if (i < 0)
		usage_error("unknown keyword \"%s\"; try \"vnitro %s help\"",
			    word, object_);
	return i;
}

void arg_cursor::once(unsigned *seen, int index, const char *keyword) const
{
	if (*seen & (1u << index))
		usage_error("duplicate \"%s\"; try \"vnitro %s help\"",
			    keyword, object_);
	*seen |= 1u << index;
}

void arg_cursor::finish() const
{
	if (more())
		usage_error("unexpected argument \"%s\"; try \"vnitro %s help\"",
			    peek(), object_);
}

void arg_cursor::missing(const char *name) const
{
	usage_error("%s is required; try \"vnitro %s help\"", name, object_);
}

} // namespace vnitro::cli
