/* SPDX-License-Identifier: Apache-2.0 */
#include "curl-dl.h"

DLSYM_FUNCTION(curl_easy_cleanup);
DLSYM_FUNCTION(curl_easy_getinfo);
DLSYM_FUNCTION(curl_easy_init);
DLSYM_FUNCTION(curl_easy_perform);
DLSYM_FUNCTION(curl_easy_reset);
DLSYM_FUNCTION(curl_easy_setopt);
DLSYM_FUNCTION(curl_easy_strerror);
DLSYM_FUNCTION(curl_free);
DLSYM_FUNCTION(curl_global_cleanup);
DLSYM_FUNCTION(curl_global_init);
DLSYM_FUNCTION(curl_multi_add_handle);
DLSYM_FUNCTION(curl_multi_assign);
DLSYM_FUNCTION(curl_multi_cleanup);
DLSYM_FUNCTION(curl_multi_info_read);
DLSYM_FUNCTION(curl_multi_init);
DLSYM_FUNCTION(curl_multi_remove_handle);
DLSYM_FUNCTION(curl_multi_setopt);
DLSYM_FUNCTION(curl_multi_socket_action);
DLSYM_FUNCTION(curl_slist_append);
DLSYM_FUNCTION(curl_slist_free_all);
DLSYM_FUNCTION(curl_url);
DLSYM_FUNCTION(curl_url_cleanup);
DLSYM_FUNCTION(curl_url_get);
DLSYM_FUNCTION(curl_url_set);

static const DlSymbol curl_symbols[] = {
	DLSYM_ARG(curl_easy_cleanup),
	DLSYM_ARG(curl_easy_getinfo),
	DLSYM_ARG(curl_easy_init),
	DLSYM_ARG(curl_easy_perform),
	DLSYM_ARG(curl_easy_reset),
	DLSYM_ARG(curl_easy_setopt),
	DLSYM_ARG(curl_easy_strerror),
	DLSYM_ARG(curl_free),
	DLSYM_ARG(curl_global_cleanup),
	DLSYM_ARG(curl_global_init),
	DLSYM_ARG(curl_multi_add_handle),
	DLSYM_ARG(curl_multi_assign),
	DLSYM_ARG(curl_multi_cleanup),
	DLSYM_ARG(curl_multi_info_read),
	DLSYM_ARG(curl_multi_init),
	DLSYM_ARG(curl_multi_remove_handle),
	DLSYM_ARG(curl_multi_setopt),
	DLSYM_ARG(curl_multi_socket_action),
	DLSYM_ARG(curl_slist_append),
	DLSYM_ARG(curl_slist_free_all),
	DLSYM_ARG(curl_url),
	DLSYM_ARG(curl_url_cleanup),
	DLSYM_ARG(curl_url_get),
	DLSYM_ARG(curl_url_set),
};

static DlLibrary curl_library = {
	.soname = CURL_DL_SONAME,
	.symbols = curl_symbols,
	.n_symbols = ELEMENTSOF(curl_symbols),
};

int curl_dl_open(char **ret_error) {
	int r = dl_library_open(&curl_library, ret_error);
	return r < 0 ? r : 0;
}
