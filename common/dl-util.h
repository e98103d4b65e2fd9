/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Optional libraries loaded on first use, after systemd's dlopen_many_sym_or_warn(): a library
 * skiff needs for some work only (libcurl for HTTP probes and the CLI, libarchive for image
 * imports) stays out of the agent's address space, and off its RSS, until that work comes.
 *
 * A library is a DlLibrary: its soname and a table of the functions skiff calls, each a pointer
 * sym_<name> declared with the library's own prototype (DLSYM_FUNCTION), so every call through
 * it is type-checked against the library's header like a linked call. Not thread-safe: load and
 * release from one thread (the agent's loop, the CLI's main).
 */
#pragma once

#include <dlfcn.h>

#include "macro.h"

/* In the header: extern __typeof__(foo) *sym_foo; */
#define DLSYM_PROTOTYPE(symbol) extern __typeof__(symbol) *sym_##symbol
/* In one .c file: the pointer itself, NULL until loaded. */
#define DLSYM_FUNCTION(symbol) __typeof__(symbol) *sym_##symbol = NULL
/* An entry of a DlLibrary's table: the pointer and the symbol name, from one token. */
#define DLSYM_ARG(symbol)                                                                          \
	{ .fn = (void (**)(void))(void *)&sym_##symbol, .name = #symbol }

typedef struct DlSymbol {
	void (**fn)(void);
	const char *name;
} DlSymbol;

typedef struct DlLibrary {
	const char *soname; /* "libcurl.so.4": the runtime package's file, never the -dev link */
	const DlSymbol *symbols;
	size_t n_symbols;
	void *handle;   /* NULL while not loaded */
	unsigned users; /* dl_library_acquire() calls not released yet */
} DlLibrary;

/*
 * Load lib (RTLD_NOW | RTLD_LOCAL) and resolve every symbol of its table, unless loaded already.
 * Returns 1 when it loaded the library now, 0 when it was loaded, -EOPNOTSUPP when the library
 * cannot be loaded, -ENXIO when it lacks a symbol (every pointer stays NULL then). On failure
 * *ret_error (may be NULL) gets dlerror()'s text, e.g. "libcurl.so.4: cannot open shared object
 * file: No such file or directory"; the caller says which work needs the library.
 */
int dl_library_open(DlLibrary *lib, char **ret_error);
/* dlclose and clear every pointer. */
void dl_library_close(DlLibrary *lib);

/* For one-off work (an import): open and count a user; the last release closes the library, so
 * its pages (and its dependencies' ones, where they can be unloaded) leave the process. A
 * library is either opened for good (dl_library_open) or acquired and released, never both. */
int dl_library_acquire(DlLibrary *lib, char **ret_error);
void dl_library_release(DlLibrary *lib);
