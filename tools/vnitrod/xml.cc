// SPDX-License-Identifier: GPL-2.0-only
/* EC2's XML answers, success and error, written with pugixml. */
#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

struct string_writer : pugi::xml_writer {
	std::string out;

	void write(const void *data, size_t size) override
	{
		out.append(static_cast<const char *>(data), size);
	}
};

void declare(pugi::xml_document &doc)
{
	pugi::xml_node decl = doc.prepend_child(pugi::node_declaration);

	decl.append_attribute("version") = "1.0";
	decl.append_attribute("encoding") = "UTF-8";
}

} // namespace

/* <?xml ...?><XxxResponse xmlns="..."><requestId>ID</requestId>: the caller adds the rest. */
pugi::xml_node xml_begin(pugi::xml_document &doc, const std::string &action,
			 const std::string &request_id)
{
	pugi::xml_node root;

	declare(doc);
	root = doc.append_child((action + "Response").c_str());
	root.append_attribute("xmlns") = XMLNS;
	xml_text(root, "requestId", request_id);
	return root;
}

void xml_text(pugi::xml_node parent, const char *name, const std::string &value)
{
	parent.append_child(name).text().set(value.c_str());
}

void xml_bool(pugi::xml_node parent, const char *name, bool value)
{
	xml_text(parent, name, value ? "true" : "false");
}

void xml_int(pugi::xml_node parent, const char *name, long long value)
{
	parent.append_child(name).text().set(value);
}

std::string xml_string(const pugi::xml_document &doc)
{
	string_writer w;

	doc.save(w, "", pugi::format_raw, pugi::encoding_utf8);
	return w.out;
}

/* EC2's error document; note RequestID, spelt so only here. */
std::string xml_error(const error &e, const std::string &request_id)
{
	pugi::xml_document doc;
	pugi::xml_node root, err;

	declare(doc);
	root = doc.append_child("Response");
	err = root.append_child("Errors").append_child("Error");
	xml_text(err, "Code", e.code);
	xml_text(err, "Message", e.message);
	xml_text(root, "RequestID", request_id);
	return xml_string(doc);
}

} // namespace vnitro::ec2
