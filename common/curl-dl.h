/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcurl, loaded on first use (dl-util.h): the agent maps it, its TLS stack and the rest of its
 * dependencies (OpenSSL, krb5, ldap, ssh2, nghttp2...) only once an HTTP or gRPC probe, an httpGet
 * hook or a TCP probe to a host name runs; the CLI once it talks to the agent. Call sites use
 * sym_curl_*() with curl's own prototypes. Compiled against curl's headers, linked with -ldl only.
 */
#pragma once

#include <curl/curl.h>

#include "dl-util.h"

DLSYM_PROTOTYPE(curl_easy_cleanup);
DLSYM_PROTOTYPE(curl_easy_getinfo);
DLSYM_PROTOTYPE(curl_easy_init);
DLSYM_PROTOTYPE(curl_easy_perform);
DLSYM_PROTOTYPE(curl_easy_reset);
DLSYM_PROTOTYPE(curl_easy_setopt);
DLSYM_PROTOTYPE(curl_easy_strerror);
DLSYM_PROTOTYPE(curl_free);
DLSYM_PROTOTYPE(curl_global_cleanup);
DLSYM_PROTOTYPE(curl_global_init);
DLSYM_PROTOTYPE(curl_multi_add_handle);
DLSYM_PROTOTYPE(curl_multi_assign);
DLSYM_PROTOTYPE(curl_multi_cleanup);
DLSYM_PROTOTYPE(curl_multi_info_read);
DLSYM_PROTOTYPE(curl_multi_init);
DLSYM_PROTOTYPE(curl_multi_remove_handle);
DLSYM_PROTOTYPE(curl_multi_setopt);
DLSYM_PROTOTYPE(curl_multi_socket_action);
DLSYM_PROTOTYPE(curl_slist_append);
DLSYM_PROTOTYPE(curl_slist_free_all);
DLSYM_PROTOTYPE(curl_url);
DLSYM_PROTOTYPE(curl_url_cleanup);
DLSYM_PROTOTYPE(curl_url_get);
DLSYM_PROTOTYPE(curl_url_set);

/* The soname of Debian's libcurl4 (the OpenSSL build; libcurl3-gnutls has another name). */
#define CURL_DL_SONAME "libcurl.so.4"

/* Load libcurl once; it stays loaded (probes come back every period). 0 when loaded, -errno
 * with dlerror()'s text in *ret_error (may be NULL) when not, as dl_library_open(). The caller
 * names the work in its message: "HTTP probes need libcurl (libcurl4): <ret_error>". */
int curl_dl_open(char **ret_error);
