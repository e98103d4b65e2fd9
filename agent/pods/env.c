/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "strutil.h"
#include "env.h"
#include "resources.h"

static const char *lookup(const char *name, size_t len, char *const *env, size_t n_env) {
	for (size_t i = n_env; i > 0; i--) {
		const char *e = env[i - 1];
		if (strneq(e, name, len) && e[len] == '=')
			return e + len + 1;
	}
	return NULL;
}

typedef struct Buf {
	char *s;
	size_t len, alloc;
	bool oom;
} Buf;

static void buf_add(Buf *b, const char *s, size_t len) {
	if (b->oom)
		return;
	if (b->len + len + 1 > b->alloc) {
		size_t n = MAX(b->alloc * 2, b->len + len + 64);
		char *p = realloc(b->s, n);
		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->alloc = n;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = 0;
}

char *env_expand(const char *s, char *const *env, size_t n_env) {
	Buf b = {};
	buf_add(&b, "", 0);
	for (const char *p = s; *p;) {
		if (p[0] != '$' || !p[1]) {
			buf_add(&b, p++, 1);
			continue;
		}
		if (p[1] == '$') { /* escaped: "$$" -> "$" */
			buf_add(&b, "$", 1);
			p += 2;
			continue;
		}
		if (p[1] == '(') {
			const char *end = strchr(p + 2, ')');
			if (end) {
				const char *v = lookup(p + 2, (size_t)(end - p - 2), env, n_env);
				if (v)
					buf_add(&b, v, strlen(v));
				else /* unresolved: kept as written */
					buf_add(&b, p, (size_t)(end - p + 1));
				p = end + 1;
				continue;
			}
		}
		/* a lone '$' before anything else is kept with that character */
		buf_add(&b, p, 2);
		p += 2;
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char **env_expand_strv(char *const *l, size_t n, char *const *env) {
	size_t n_env = 0;
	if (!l)
		return NULL;
	while (env && env[n_env])
		n_env++;
	char **r = calloc(n + 1, sizeof(char *));
	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(r[i] = env_expand(l[i], env, n_env))) {
			strv_free(r);
			return NULL;
		}
	return r;
}

static int field_ref(const EnvContext *ctx, const char *path, char **ret) {
	const Pod *p = ctx->pod;
	const char *v = NULL;
	if (streq(path, "metadata.name"))
		v = p->metadata.name;
	else if (streq(path, "metadata.namespace"))
		v = p->metadata.namespace;
	else if (streq(path, "metadata.uid"))
		v = p->metadata.uid;
	else if (streq(path, "spec.nodeName"))
		v = ctx->node_name;
	else if (streq(path, "status.podIP"))
		v = ctx->pod_ip;
	else
		return -EINVAL;
	*ret = strdup(strempty(v));
	return *ret ? 0 : -ENOMEM;
}

/* ExtractContainerResourceValue: ceil(value / divisor), cpu in cores by default. */
static int resource_ref(const EnvContext *ctx, const Container *self, const EnvVar *e, char **ret) {
	const char *res = e->resource_field_ref.resource;
	const Container *c = self;
	if (!isempty(e->resource_field_ref.container_name))
		c = pod_find_container(ctx->pod, e->resource_field_ref.container_name);
	if (!c || !res)
		return -EINVAL;

	bool limits = startswith(res, "limits.") != NULL;
	const char *name = strchr(res, '.');
	if (!name)
		return -EINVAL;
	name++;
	ResourceSum s = limits ? container_limits(c) : container_requests(c);
	__int128 value; /* in milli units for cpu, units otherwise */
	int64_t div = 1;
	bool cpu = streq(name, "cpu");
	if (cpu) {
		value = s.has_cpu ? s.cpu_milli : (limits ? ctx->node_allocatable_cpu_milli : 0);
		div = 1000;
	} else if (streq(name, "memory"))
		value = s.has_memory ? s.memory : (limits ? ctx->node_allocatable_memory : 0);
	else if (streq(name, "ephemeral-storage"))
		value = s.has_ephemeral_storage
		                ? s.ephemeral_storage
		                : (limits ? ctx->node_allocatable_ephemeral_storage : 0);
	else
		return -EINVAL;
	if (e->resource_field_ref.divisor.set) {
		int64_t d = 0;
		int r = cpu ? quantity_milli_value(&e->resource_field_ref.divisor.value, &d)
		            : quantity_value(&e->resource_field_ref.divisor.value, &d);
		if (r < 0 || d <= 0)
			return -EINVAL;
		div = d;
	}
	__int128 q = (value + div - 1) / div;
	if (asprintf(ret, "%lld", (long long)q) < 0)
		return -ENOMEM;
	return 0;
}

int env_build(const EnvContext *ctx, const Container *c, char ***ret, char **ret_error) {
	_cleanup_strv_free_ char **env = calloc(c->n_env + 1, sizeof(char *));
	if (!env)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_env; i++) {
		const EnvVar *e = &c->env[i];
		_cleanup_free_ char *value = NULL;
		int r = 0;
		switch (e->source) {
		case ENV_SOURCE_VALUE:
			value = env_expand(strempty(e->value), env, i);
			r = value ? 0 : -ENOMEM;
			break;
		case ENV_SOURCE_FIELD_REF:
			r = field_ref(ctx, e->field_ref.field_path, &value);
			break;
		case ENV_SOURCE_RESOURCE_FIELD:
			r = resource_ref(ctx, c, e, &value);
			break;
		}
		if (r < 0) {
			if (ret_error && r == -EINVAL)
				*ret_error = strprintf("couldn't resolve env var %s", e->name);
			return r;
		}
		if (asprintf(&env[i], "%s=%s", e->name, value) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(env);
	return 0;
}
