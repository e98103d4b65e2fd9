/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one place that talks to libcgroup and papers over its 2.0.2 gaps:
 *  - no mode detection: statfs("/sys/fs/cgroup") == CGROUP2_SUPER_MAGIC means pure v2, and a
 *    cgroup2 mount at /sys/fs/cgroup/unified beside v1 controllers means hybrid;
 *  - no v1<->v2 file name translation: the backends (cgroup-v1.c, cgroup-v2.c) choose names;
 *  - ECG* codes, with ECGOTHER carrying errno aside: mapped to -errno here;
 *  - delete: with CGFLAG_DELETE_EMPTY_ONLY it returns 0 even when rmdir failed with EBUSY,
 *    and on pure v2 it returns ECGOTHER + ENOENT although the directory was removed; without
 *    that flag it moves the tasks into the parent (they would escape). So: EMPTY_ONLY, and the
 *    directories are looked at afterwards;
 *  - attach writes `tasks` (one thread) on v1: skiff writes cgroup.procs itself (cgroup-v1.c);
 *  - in the hybrid layout libcgroup sees the unified mount only through the controllers it
 *    lists (hugetlb): creating there through libcgroup would enable hugetlb in the root's
 *    subtree_control, so the unified directory is made directly (cgroup-unified.c);
 *  - named hierarchies (name=systemd) are not listed by cgroup_get_subsys_mount_point(): found
 *    by statfs, made directly (cgroup-fs.c).
 */
#include <inttypes.h>
#include <libcgroup.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "cgroup-internal.h"
#include "macro.h"

int cgroup_errno_from_ecg(int ecg, int last_errno) {
	switch (ecg) {
	case 0:
		return 0;
	case ECGOTHER:
		return last_errno > 0 ? -last_errno : -EIO;
	case ECGROUPNOTCOMPILED:
	case ECGROUPUNSUPP:
		return -EOPNOTSUPP;
	case ECGROUPNOTMOUNTED:
	case ECGROUPSUBSYSNOTMOUNTED:
		return -ENODEV;
	case ECGROUPNOTEXIST:
	case ECGROUPVALUENOTEXIST:
		return -ENOENT;
	case ECGROUPNOTOWNER:
	case ECGROUPNOTALLOWED:
		return -EPERM;
	case ECGMAXVALUESEXCEEDED:
		return -E2BIG;
	case ECGCONTROLLEREXISTS:
	case ECGVALUEEXISTS:
		return -EEXIST;
	case ECGINVAL:
	case ECGCANTSETVALUE:
	case ECGROUPMULTIMOUNTED:
		return -EINVAL;
	case ECGCONTROLLERCREATEFAILED:
		return -ENOMEM;
	case ECGROUPNOTINITIALIZED:
		return -ENXIO;
	case ECGNONEMPTY:
		return -EBUSY;
	case ECGEOF:
		return -ENODATA;
	default:
		return -EIO;
	}
}

static int map(int ecg) {
	return cgroup_errno_from_ecg(ecg, ecg == ECGOTHER ? cgroup_get_last_errno() : 0);
}

static bool is_fs(const char *p, long magic) {
	struct statfs fs;
	return statfs(p, &fs) == 0 && fs.f_type == magic;
}

static bool is_cgroup2(const char *p) {
	return is_fs(p, CGROUP2_SUPER_MAGIC);
}

static int add_hierarchy(CgroupContext *c, const char *controller, const char *mount, int *idx) {
	*idx = -1;
	if (c->n_hier >= CGROUP_MAX_HIERARCHIES || strlen(mount) >= sizeof(c->hier[0].mount))
		return -ENAMETOOLONG;
	c->hier[c->n_hier].controller = controller;
	strcpy(c->hier[c->n_hier].mount, mount);
	c->hier[c->n_hier].on_demand = false;
	*idx = (int)c->n_hier++;
	return 0;
}

/* v1: the hierarchies skiff uses, each where libcgroup found it mounted. Each one costs libcgroup
 * ~50 us per create (a mkdir -p from "/" and a look at /proc/mounts per file), so:
 *  - freezer and a separate cpuacct only without a unified mount: cgroup.kill/cgroup.freeze and
 *    the core cpu.stat (usage_usec) of the unified companion do their jobs there;
 *  - cpuset on demand (see cgroup-v1.c): a cgroup joins it only when it or a parent sets cpus. */
static int init_legacy(CgroupContext *c) {
	static const char *const wanted[] = { "cpu",    "cpuacct", "cpuset",
		                              "memory", "pids",    "freezer" };
	int *slot[] = { &c->cpu, &c->cpuacct, &c->cpuset, &c->memory, &c->pids, &c->freezer };

	for (size_t i = 0; i < ELEMENTSOF(wanted); i++) {
		_cleanup_free_ char *mp = NULL;
		*slot[i] = -1;
		if (cgroup_get_subsys_mount_point(wanted[i], &mp) != 0 || !mp)
			continue;
		bool shared = false;
		for (size_t j = 0; j < c->n_hier; j++)
			shared = shared || streq(c->hier[j].mount, mp);
		if (c->unified[0] && !shared &&
		    (streq(wanted[i], "freezer") || streq(wanted[i], "cpuacct")))
			continue;
		int r = add_hierarchy(c, wanted[i], mp, slot[i]);
		if (r < 0)
			return r;
		c->hier[*slot[i]].on_demand = streq(wanted[i], "cpuset");
	}
	/* systemd's hierarchy has no controller, so libcgroup does not list it; systemd mounts
	 * it at this fixed path and looks for it there itself. */
	bool taken = false;
	for (size_t j = 0; j < c->n_hier; j++)
		taken = taken || streq(c->hier[j].mount, "/sys/fs/cgroup/systemd");
	if (!taken && is_fs("/sys/fs/cgroup/systemd", CGROUP_SUPER_MAGIC))
		strcpy(c->systemd, "/sys/fs/cgroup/systemd");
	return c->memory >= 0 || c->cpu >= 0 || c->pids >= 0 ? 0 : -ENODEV;
}

/* v2: the controllers the root offers (cgroup.controllers); all share the one mount. */
static int init_unified(CgroupContext *c) {
	/* cpuset last: cgroup-v2.c names hier[0] to libcgroup for every create. */
	static const char *const wanted[] = { "cpu", "memory", "pids", "cpuset" };
	int *slot[] = { &c->cpu, &c->memory, &c->pids, &c->cpuset };
	char buf[256];

	c->cpuacct = c->freezer = -1;
	int r = cgroup_fs_read(c->unified, "", "cgroup.controllers", buf, sizeof(buf));
	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(wanted); i++) {
		*slot[i] = -1;
		if (!cgroup_list_contains(buf, wanted[i]))
			continue;
		r = add_hierarchy(c, wanted[i], c->unified, slot[i]);
		if (r < 0)
			return r;
	}
	return c->n_hier > 0 && !streq(c->hier[0].controller, "cpuset") ? 0 : -ENODEV;
}

int cgroup_lib_init(CgroupContext *c) {
	int r = cgroup_init();
	if (r != 0)
		return map(r);
	c->n_hier = 0;
	c->systemd[0] = 0;
	if (is_cgroup2("/sys/fs/cgroup")) {
		c->mode = CGROUP_MODE_UNIFIED;
		strcpy(c->unified, "/sys/fs/cgroup");
		c->ops = &cgroup_v2_ops;
		return init_unified(c);
	}
	c->mode = CGROUP_MODE_LEGACY;
	c->unified[0] = 0;
	if (is_cgroup2("/sys/fs/cgroup/unified"))
		strcpy(c->unified, "/sys/fs/cgroup/unified");
	c->ops = &cgroup_v1_ops;
	return init_legacy(c);
}

struct cgroup *cgroup_lib_new(const char *path) {
	return cgroup_new_cgroup(path);
}

void cgroup_lib_freep(struct cgroup **cg) {
	if (*cg)
		cgroup_free(cg);
}

static struct cgroup_controller *controller(struct cgroup *cg, const char *name) {
	struct cgroup_controller *k = cgroup_get_controller(cg, name);
	return k ? k : cgroup_add_controller(cg, name);
}

/* value NULL: only make sure the group is created in that controller's hierarchy. */
int cgroup_lib_add(struct cgroup *cg, const char *name, const char *file, const char *value) {
	struct cgroup_controller *k = controller(cg, name);
	if (!k)
		return -ENOMEM;
	return value ? map(cgroup_add_value_string(k, file, value)) : 0;
}

int cgroup_lib_add_u64(struct cgroup *cg, const char *name, const char *file, uint64_t v) {
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return cgroup_lib_add(cg, name, file, buf);
}

int cgroup_lib_create(struct cgroup *cg) {
	/* ignore_ownership: the group keeps root's ownership; nothing to chown. */
	return map(cgroup_create_cgroup(cg, 1));
}

int cgroup_lib_modify(struct cgroup *cg) {
	return map(cgroup_modify_cgroup(cg));
}

bool cgroup_mount_seen(const CgroupContext *c, size_t i) {
	for (size_t j = 0; j < i; j++)
		if (streq(c->hier[j].mount, c->hier[i].mount))
			return true;
	return false;
}

int cgroup_lib_delete_empty(const CgroupContext *c, const char *path) {
	_cleanup_(cgroup_lib_freep) struct cgroup *cg = cgroup_lib_new(path);
	int r;

	size_t n = 0;
	if (!cg)
		return -ENOMEM;
	/* One controller per mount: on v2 they all name the same directory. */
	for (size_t i = 0; i < c->n_hier; i++)
		if (!cgroup_mount_seen(c, i) && cgroup_fs_exists(c->hier[i].mount, path) > 0) {
			r = cgroup_lib_add(cg, c->hier[i].controller, NULL, NULL);
			if (r < 0)
				return r;
			n++;
		}
	if (n == 0)
		return 0; /* missing everywhere is fine */
	r = cgroup_delete_cgroup_ext(cg, CGFLAG_DELETE_EMPTY_ONLY);
	if (r == ECGOTHER && cgroup_get_last_errno() == ENOENT)
		r = 0; /* 2.0.2 on v2: reported although the directory is gone */
	if (r == ECGROUPNOTEXIST || r == ECGROUPSUBSYSNOTMOUNTED)
		r = 0; /* nothing to remove is success: callers retry destroys */
	r = map(r);
	/* EMPTY_ONLY returns 0 when rmdir failed with EBUSY: trust the directories instead. */
	for (size_t i = 0; i < c->n_hier; i++)
		if (cgroup_fs_exists(c->hier[i].mount, path) > 0)
			return r < 0 ? r : -EBUSY;
	return r;
}
