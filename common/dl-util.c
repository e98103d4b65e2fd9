/* SPDX-License-Identifier: Apache-2.0 */
#include "dl-util.h"

static char *dl_error_string(const char *fallback) {
	const char *e = dlerror();
	return strdup(e ?: fallback);
}

static void clear_symbols(DlLibrary *lib) {
	for (size_t i = 0; i < lib->n_symbols; i++)
		*lib->symbols[i].fn = NULL;
}

int dl_library_open(DlLibrary *lib, char **ret_error) {
	void *h;

	if (ret_error)
		*ret_error = NULL;
	if (lib->handle)
		return 0;
	(void)dlerror(); /* a stale error must not be taken for ours */
	h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		if (ret_error)
			*ret_error = dl_error_string(lib->soname);
		return -EOPNOTSUPP;
	}
	for (size_t i = 0; i < lib->n_symbols; i++) {
		void *p = dlsym(h, lib->symbols[i].name);
		if (!p) {
			if (ret_error)
				*ret_error = dl_error_string(lib->symbols[i].name);
			clear_symbols(lib);
			(void)dlclose(h);
			return -ENXIO;
		}
		*lib->symbols[i].fn = (void (*)(void))p;
	}
	lib->handle = h;
	return 1;
}

void dl_library_close(DlLibrary *lib) {
	if (!lib->handle)
		return;
	clear_symbols(lib);
	(void)dlclose(lib->handle);
	lib->handle = NULL;
	lib->users = 0;
}

int dl_library_acquire(DlLibrary *lib, char **ret_error) {
	int r = dl_library_open(lib, ret_error);
	if (r >= 0)
		lib->users++;
	return r;
}

void dl_library_release(DlLibrary *lib) {
	if (lib->users > 0 && --lib->users == 0)
		dl_library_close(lib);
}
