/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hand-written matchers for the API's regular expressions; the messages are the API's, examples
 * and regex included (RegexError's format, with its double space before " or ").
 */
#include <string.h>

#include "validation-names.h"

#define DNS1123_LABEL_MSG                                                                          \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "   \
	"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "   \
	"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1123_SUBDOMAIN_MSG                                                                      \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "  \
	"or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "      \
	"regex used for validation is "                                                            \
	"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define LABEL_KEY_MSG                                                                              \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "   \
	"an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "  \
	"validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define LABEL_VALUE_MSG                                                                            \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "   \
	"or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "      \
	"'my_value',  or '12345', regex used for validation is "                                   \
	"'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

static bool is_lower_alnum(char c) {
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c) {
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n) */
static bool match_dns_label(const char *s, size_t n) {
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool match_dns_subdomain(const char *s, size_t n) {
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!match_dns_label(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static bool match_label_name(const char *s, size_t n) {
	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!is_alnum(s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

size_t is_dns1123_label(const char *v, const char *msgs[NAME_MSGS_MAX]) {
	size_t n = 0, len = strlen(v);

	if (len > DNS1123_LABEL_MAX)
		msgs[n++] = "must be no more than 63 characters";
	if (!match_dns_label(v, len)) {
		/* A valid subdomain that is not a label: the length was checked, so it has dots. */
		if (match_dns_subdomain(v, len))
			msgs[n++] = "must not contain dots";
		else
			msgs[n++] = DNS1123_LABEL_MSG;
	}
	return n;
}

size_t is_dns1123_subdomain(const char *v, const char *msgs[NAME_MSGS_MAX]) {
	size_t n = 0, len = strlen(v);

	if (len > DNS1123_SUBDOMAIN_MAX)
		msgs[n++] = "must be no more than 253 characters";
	if (!match_dns_subdomain(v, len))
		msgs[n++] = DNS1123_SUBDOMAIN_MSG;
	return n;
}

size_t is_qualified_name(const char *v, const char *msgs[NAME_MSGS_MAX]) {
	const char *slash = strchr(v, '/'), *name = v;
	size_t n = 0, name_len;

	if (slash && strchr(slash + 1, '/')) {
		msgs[n++] =
		        "a valid label key " LABEL_KEY_MSG " with an optional DNS subdomain prefix "
		        "and '/' (e.g. 'example.com/MyName')";
		return n;
	}
	if (slash) {
		size_t plen = (size_t)(slash - v);
		if (plen == 0)
			msgs[n++] = "prefix part must be non-empty";
		else {
			if (plen > DNS1123_SUBDOMAIN_MAX)
				msgs[n++] = "prefix part must be no more than 253 characters";
			if (!match_dns_subdomain(v, plen))
				msgs[n++] = "prefix part " DNS1123_SUBDOMAIN_MSG;
		}
		name = slash + 1;
	}
	name_len = strlen(name);
	if (name_len == 0)
		msgs[n++] = "name part must be non-empty";
	else if (name_len > LABEL_VALUE_MAX)
		msgs[n++] = "name part must be no more than 63 characters";
	if (!match_label_name(name, name_len))
		msgs[n++] = "name part " LABEL_KEY_MSG;
	return n;
}

size_t is_label_value(const char *v, const char *msgs[NAME_MSGS_MAX]) {
	size_t n = 0, len = strlen(v);

	if (len > LABEL_VALUE_MAX)
		msgs[n++] = "must be no more than 63 characters";
	if (len > 0 && !match_label_name(v, len))
		msgs[n++] = LABEL_VALUE_MSG;
	return n;
}

size_t is_port_name(const char *v, const char *msgs[NAME_MSGS_MAX]) {
	size_t n = 0, len = strlen(v);
	bool charset = len > 0, letter = false;

	for (size_t i = 0; i < len; i++) {
		if (!is_lower_alnum(v[i]) && v[i] != '-')
			charset = false;
		if (v[i] >= 'a' && v[i] <= 'z')
			letter = true;
	}
	if (len > PORT_NAME_MAX)
		msgs[n++] = "must be no more than 15 characters";
	if (!charset)
		msgs[n++] =
		        "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
	if (!letter)
		msgs[n++] = "must contain at least one letter (a-z)";
	if (strstr(v, "--"))
		msgs[n++] = "must not contain consecutive hyphens";
	if (len > 0 && (v[0] == '-' || v[len - 1] == '-'))
		msgs[n++] = "must not begin or end with a hyphen";
	return n;
}

size_t is_env_var_name(const char *v, const char *msgs[NAME_MSGS_MAX]) {
	size_t n = 0;

	if (!*v)
		msgs[n++] = "environment variable name must be non-empty";
	for (const unsigned char *i = (const unsigned char *)v; *i; i++)
		if (*i < 0x20 || *i > 0x7e || *i == '=') {
			msgs[n++] =
			        "a valid environment variable name must consist only of printable "
			        "ASCII characters other than '='";
			break;
		}
	return n;
}

size_t is_http_header_name(const char *v, const char *msgs[NAME_MSGS_MAX]) {
	bool ok = *v != 0;

	for (const char *i = v; *i; i++)
		if (!is_alnum(*i) && *i != '-')
			ok = false;
	if (ok)
		return 0;
	msgs[0] = "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. "
	          "'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')";
	return 1;
}

size_t is_c_identifier(const char *v, const char *msgs[NAME_MSGS_MAX]) {
	bool ok = *v && !(*v >= '0' && *v <= '9');

	for (const char *i = v; *i; i++)
		if (!is_alnum(*i) && *i != '_')
			ok = false;
	if (ok)
		return 0;
	msgs[0] = "a valid C identifier must start with alphabetic character or '_', followed by "
	          "a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or "
	          "'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')";
	return 1;
}
