/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node context: directories, node name and address, capacity and allocatable
 * (node_container_manager_linux.go), the kubepods cgroup tree with its QoS tiers
 * (qos_container_manager_linux.go), the image store and the probe manager, and recovery of a
 * previous agent's pods.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sys/statvfs.h>
#include <time.h>

#include "strutil.h"
#include "cgroups.h"
#include "fileio.h"
#include "kubelet.h"
#include "log-manager.h"
#include "log.h"
#include "pod-probes.h"
#include "pod-worker.h"
#include "qos.h"

/* The loop's cached time (one clock read per iteration), or the clock itself without a loop. */
static uint64_t now_clock(Kubelet *k, clockid_t clock) {
	uint64_t t = 0;
	if (!k->event || sd_event_now(k->event, clock, &t) < 0) {
		struct timespec ts;
		clock_gettime(clock, &ts);
		t = (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
	}
	return t;
}

uint64_t kubelet_now(Kubelet *k) {
	return now_clock(k, CLOCK_REALTIME);
}

uint64_t kubelet_now_monotonic(Kubelet *k) {
	return now_clock(k, CLOCK_MONOTONIC);
}

static int64_t meminfo_total(void) {
	_cleanup_free_ char *data = NULL;
	if (read_full_file("/proc/meminfo", 65536, &data, NULL) < 0)
		return 0;
	const char *p = strstr(data, "MemTotal:");
	long long kb = 0;
	if (!p || sscanf(p, "MemTotal: %lld kB", &kb) != 1)
		return 0;
	return (int64_t)kb * 1024;
}

/* The node's address: the first IPv4 address of an interface that is up and not loopback
 * (the kubelet's default: the address of the default route's interface). */
static char *host_ip(void) {
	struct ifaddrs *ifa = NULL;
	char buf[INET_ADDRSTRLEN];
	char *r = NULL;
	if (getifaddrs(&ifa) < 0)
		return NULL;
	for (struct ifaddrs *i = ifa; i && !r; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf,
		              sizeof(buf)))
			r = strdup(buf);
	}
	freeifaddrs(ifa);
	return r;
}

static int64_t amount(const ResourceAmounts *a, ResourceKind k) {
	return a->set[k] ? a->value[k] : 0;
}

/* The hard eviction threshold of signal, in bytes, for capacity (percentages of it). */
static int64_t hard_threshold(const SkiffConfig *c, EvictionSignal signal, int64_t capacity) {
	for (size_t i = 0; i < c->thresholds.n; i++) {
		const EvictionThreshold *t = &c->thresholds.items[i];
		if (t->signal != signal || !eviction_threshold_is_hard(t))
			continue;
		if (t->value.is_percentage)
			return (int64_t)((double)capacity * (double)t->value.percentage);
		int64_t v = 0;
		(void)quantity_value(&t->value.quantity, &v);
		return v;
	}
	return 0;
}

/* Without CAP_SYS_RESOURCE (a node inside a container) no process may go below our own
 * oom_score_adj: raise container values to it, as containerd's restrict_oom_score_adj does,
 * instead of failing every Guaranteed pod with "set oom_score_adj: Permission denied". */
static void restrict_oom_score_adj(ResourcePolicy *p) {
	_cleanup_free_ char *status = NULL, *own = NULL;
	unsigned long long eff = 0;
	const char *l;

	if (read_full_file("/proc/self/status", 1 << 16, &status, NULL) < 0 ||
	    !(l = strstr(status, "\nCapEff:")) || sscanf(l + 8, "%llx", &eff) != 1 ||
	    (eff & (1ULL << CAP_SYS_RESOURCE)) ||
	    read_full_file("/proc/self/oom_score_adj", 64, &own, NULL) < 0)
		return;
	p->restrict_oom_score_adj = true;
	p->oom_score_adj_floor = atoi(own);
	log_warning("no CAP_SYS_RESOURCE: container oom_score_adj values below %d are raised to %d",
	            p->oom_score_adj_floor, p->oom_score_adj_floor);
}

static void node_resources(Kubelet *k) {
	const SkiffConfig *c = k->config;
	const ResourceAmounts *cap = &c->node_capacity_amounts;
	struct statvfs sv;

	k->machine_memory = meminfo_total();
	k->capacity.cpu_milli = sysconf(_SC_NPROCESSORS_ONLN) * 1000;
	k->capacity.memory = k->machine_memory;
	k->capacity.pods = c->max_pods;
	if (statvfs(c->skiff.root_dir, &sv) == 0)
		k->capacity.ephemeral_storage = (int64_t)(sv.f_blocks * sv.f_frsize);
	/* skiff.nodeCapacity: a virtual node size for the testbed and for tests */
	if (cap->set[RESOURCE_CPU])
		k->capacity.cpu_milli = cap->value[RESOURCE_CPU];
	if (cap->set[RESOURCE_MEMORY])
		k->capacity.memory = cap->value[RESOURCE_MEMORY];
	if (cap->set[RESOURCE_EPHEMERAL_STORAGE])
		k->capacity.ephemeral_storage = cap->value[RESOURCE_EPHEMERAL_STORAGE];
	if (cap->set[RESOURCE_PODS])
		k->capacity.pods = cap->value[RESOURCE_PODS];

	const ResourceAmounts *kr = &c->kube_reserved_amounts, *sr = &c->system_reserved_amounts;
	k->allocatable.cpu_milli = allocatable_amount(
	        k->capacity.cpu_milli, amount(kr, RESOURCE_CPU), amount(sr, RESOURCE_CPU), 0);
	k->allocatable.memory = allocatable_amount(
	        k->capacity.memory, amount(kr, RESOURCE_MEMORY), amount(sr, RESOURCE_MEMORY),
	        hard_threshold(c, EVICTION_SIGNAL_MEMORY_AVAILABLE, k->capacity.memory));
	k->allocatable.ephemeral_storage = allocatable_amount(
	        k->capacity.ephemeral_storage, amount(kr, RESOURCE_EPHEMERAL_STORAGE),
	        amount(sr, RESOURCE_EPHEMERAL_STORAGE),
	        hard_threshold(c, EVICTION_SIGNAL_NODEFS_AVAILABLE, k->capacity.ephemeral_storage));
	k->allocatable.pods = k->capacity.pods;

	k->resources = (ResourcePolicy){
		.cpu_cfs_quota = c->cpu_cfs_quota,
		.cpu_cfs_period_usec = (uint64_t)(c->cpu_cfs_quota_period / 1000),
		.pod_pids_limit = c->pod_pids_limit,
		.memory_qos = c->memory_qos && cgroups_mode() == CGROUP_MODE_UNIFIED,
		.memory_throttling_factor = c->memory_throttling_factor,
		.node_allocatable_memory = k->allocatable.memory,
		.machine_memory = k->machine_memory,
		.page_size = sysconf(_SC_PAGESIZE),
	};
	restrict_oom_score_adj(&k->resources);
}

static bool enforce_pods(const SkiffConfig *c) {
	for (char **i = c->enforce_node_allocatable; i && *i; i++)
		if (streq(*i, "pods"))
			return true;
	return false;
}

static char *qos_path(Kubelet *k, const char *tier) {
	char *p = NULL;
	if (asprintf(&p, "%s/%s", k->kubepods_cgroup, tier) < 0)
		return NULL;
	return p;
}

/* kubepods with node allocatable (enforceNodeAllocatable: pods), then the QoS tiers. */
static int setup_cgroups(Kubelet *k, char **ret_error) {
	const SkiffConfig *c = k->config;
	const char *root = isempty(c->cgroup_root) ? "/" : c->cgroup_root;
	int r;

	while (*root == '/')
		root++;
	if (asprintf(&k->kubepods_cgroup, "%s%skubepods", root, *root ? "/" : "") < 0)
		return -ENOMEM;
	/* trailing slashes of cgroupRoot */
	for (char *p; (p = strstr(k->kubepods_cgroup, "//"));)
		memmove(p, p + 1, strlen(p));

	r = cgroups_init();
	if (r < 0) {
		*ret_error = strprintf("cgroups are not usable: %s", strerror(-r));
		return r;
	}
	CgroupLimits top = { .cpu_weight_linear = true };
	if (enforce_pods(c)) {
		const ResourceAmounts *kr = &c->kube_reserved_amounts,
		                      *sr = &c->system_reserved_amounts;
		top.cpu_shares = milli_cpu_to_shares(k->allocatable.cpu_milli);
		/* kubepods limit = capacity - kubeReserved - systemReserved (no threshold) */
		int64_t mem = k->capacity.memory - amount(kr, RESOURCE_MEMORY) -
		              amount(sr, RESOURCE_MEMORY);
		if (mem > 0)
			top.memory_max = mem;
	}
	r = cgroup_create(k->kubepods_cgroup, &top);
	if (r < 0) {
		*ret_error = strprintf("failed to create the %s cgroup: %s", k->kubepods_cgroup,
		                       strerror(-r));
		return r;
	}
	if (c->cgroups_per_qos) {
		const char *tiers[] = { "burstable", "besteffort" };
		for (size_t i = 0; i < ELEMENTSOF(tiers); i++) {
			_cleanup_free_ char *p = qos_path(k, tiers[i]);
			CgroupLimits l = { .cpu_shares = CPU_MIN_SHARES,
				           .cpu_weight_linear = true };
			if (!p)
				return -ENOMEM;
			r = cgroup_create(p, &l);
			if (r < 0) {
				*ret_error = strprintf("failed to create the %s cgroup: %s", p,
				                       strerror(-r));
				return r;
			}
		}
	}
	/* The monitors' own cgroup, beside kubepods: not counted against the pods, and out of the
	 * agent's systemd unit, so `systemctl kill skiff` or a restart never reaches them (CRI-O
	 * gives conmon a cgroup of its own the same way). */
	if (asprintf(&k->monitors_cgroup, "%s%sskiff-monitors", root, *root ? "/" : "") < 0)
		return -ENOMEM;
	for (char *p; (p = strstr(k->monitors_cgroup, "//"));)
		memmove(p, p + 1, strlen(p));
	CgroupLimits none = {};
	r = cgroup_create(k->monitors_cgroup, &none);
	if (r < 0) {
		log_warning("the monitors' cgroup %s: %s; they stay in the agent's",
		            k->monitors_cgroup, strerror(-r));
		k->monitors_cgroup = mfree(k->monitors_cgroup);
	}
	k->cgroups_enabled = true;
	return 0;
}

void kubelet_update_qos_cgroups(Kubelet *k) {
	/* qos_container_manager: burstable shares = shares(sum of burstable pods' cpu requests) */
	int64_t milli = 0;
	if (!k->cgroups_enabled || !k->config->cgroups_per_qos)
		return;
	for (size_t i = 0; i < k->n_workers; i++) {
		PodWorker *w = k->workers[i];
		if (w->cgroup_created && pod_qos_class(w->pod) == POD_QOS_BURSTABLE)
			milli += pod_requests(w->pod).cpu_milli;
	}
	_cleanup_free_ char *p = qos_path(k, "burstable");
	CgroupLimits l = { .cpu_shares = milli_cpu_to_shares(milli), .cpu_weight_linear = true };
	if (p)
		(void)cgroup_set(p, &l);
}

static int make_dirs(Kubelet *k, char **ret_error) {
	const SkiffSection *s = &k->config->skiff;
	if (asprintf(&k->pods_state_dir, "%s/pods", s->state_dir) < 0 ||
	    asprintf(&k->containers_state_dir, "%s/containers", s->state_dir) < 0 ||
	    asprintf(&k->seccomp_cache_dir, "%s/seccomp-cache", s->state_dir) < 0 ||
	    asprintf(&k->pods_root_dir, "%s/pods", s->root_dir) < 0 ||
	    asprintf(&k->containers_root_dir, "%s/containers", s->root_dir) < 0)
		return -ENOMEM;
	const char *dirs[] = { k->pods_state_dir, k->containers_state_dir, k->seccomp_cache_dir,
		               k->pods_root_dir,  k->containers_root_dir,  s->pod_log_dir };
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		int r = mkdir_p(dirs[i], 0755);
		if (r < 0) {
			*ret_error = strprintf("mkdir %s: %s", dirs[i], strerror(-r));
			return r;
		}
	}
	return 0;
}

int kubelet_new(sd_event *event, const SkiffConfig *config, const KubeletHooks *hooks,
                Kubelet **ret, char **ret_error) {
	_cleanup_(kubelet_freep) Kubelet *k = calloc(1, sizeof(Kubelet));
	Diag d = {};
	int r;

	*ret_error = NULL;
	if (!k)
		return -ENOMEM;
	/* Never a silent default: a driver skiff does not implement stops it at start. */
	if (config->cgroup_driver == CGROUP_DRIVER_SYSTEMD) {
		*ret_error = strdup("cgroupDriver \"systemd\" is not supported: skiff manages its "
		                    "cgroups itself under cgroupRoot (use cgroupDriver: cgroupfs)");
		return -EOPNOTSUPP;
	}
	k->event = sd_event_ref(event);
	k->config = config;
	if (hooks)
		k->hooks = *hooks;
	k->started_monotonic = kubelet_now_monotonic(k);
	if (!(k->node_name = strdup(config->skiff.node_name)))
		return -ENOMEM;
	k->host_ip = host_ip();
	if ((r = make_dirs(k, ret_error)) < 0)
		return r;
	node_resources(k);
	if ((r = setup_cgroups(k, ret_error)) < 0)
		return r;
	r = image_store_open(config->skiff.image_dir, &k->images, &d);
	if (r < 0) {
		*ret_error = strprintf("image store %s: %s", config->skiff.image_dir,
		                       d.n_errors ? d.errors[0] : strerror(-r));
		diag_clear(&d);
		return r;
	}
	/* busybox's first import runs in `skiff image import` (this binary): libarchive and the
	 * import's memory stay out of the long-running agent */
	if ((r = image_store_set_import_helper(k->images, "/proc/self/exe")) < 0) {
		*ret_error = strprintf("image store: %s", strerror(-r));
		return r;
	}
	ProbeManagerConfig pc = { .agent_start_usec = k->started_monotonic,
		                  .exec_ops = &pod_probe_exec_ops,
		                  .exec_userdata = k };
	if ((r = probe_manager_new(event, &pc, &k->probes)) < 0) {
		*ret_error = strprintf("probe manager: %s", strerror(-r));
		return r;
	}
	if ((r = log_manager_start(k)) < 0) {
		*ret_error = strprintf("log manager: %s", strerror(-r));
		return r;
	}
	*ret = TAKE_PTR(k);
	return 0;
}

Kubelet *kubelet_free(Kubelet *k) {
	if (!k)
		return NULL;
	log_manager_stop(k);
	while (k->n_workers > 0)
		pod_worker_free(k->workers[k->n_workers - 1]);
	free(k->workers);
	probe_manager_free(k->probes);
	image_store_free(k->images);
	free(k->node_name);
	free(k->host_ip);
	free(k->kubepods_cgroup);
	free(k->monitors_cgroup);
	free(k->pods_state_dir);
	free(k->containers_state_dir);
	free(k->pods_root_dir);
	free(k->containers_root_dir);
	free(k->seccomp_cache_dir);
	sd_event_unref(k->event);
	free(k);
	return NULL;
}

int kubelet_add_worker(Kubelet *k, PodWorker *w) {
	PodWorker **l = realloc(k->workers, (k->n_workers + 1) * sizeof(PodWorker *));
	if (!l)
		return -ENOMEM;
	k->workers = l;
	k->workers[k->n_workers++] = w;
	return 0;
}

void kubelet_remove_worker(Kubelet *k, PodWorker *w) {
	for (size_t i = 0; i < k->n_workers; i++)
		if (k->workers[i] == w) {
			memmove(k->workers + i, k->workers + i + 1,
			        (k->n_workers - i - 1) * sizeof(PodWorker *));
			k->n_workers--;
			return;
		}
}

PodWorker *kubelet_find_uid(Kubelet *k, const char *uid) {
	for (size_t i = 0; i < k->n_workers; i++)
		if (streq(k->workers[i]->uid, uid))
			return k->workers[i];
	return NULL;
}

PodWorker *kubelet_find_name(Kubelet *k, const char *namespace, const char *name) {
	/* the newest worker of that name: a replaced pod may still be terminating */
	for (size_t i = k->n_workers; i > 0; i--) {
		PodWorker *w = k->workers[i - 1];
		if (streq(w->pod->metadata.namespace, namespace) &&
		    streq(w->pod->metadata.name, name))
			return w;
	}
	return NULL;
}

int kubelet_recover(Kubelet *k) {
	_cleanup_(closedirp) DIR *d = opendir(k->pods_state_dir);
	int n = 0;
	if (!d)
		return errno == ENOENT ? 0 : negative_errno();
	for (struct dirent *de; (de = readdir(d));) {
		PodWorker *w = NULL;
		if (de->d_name[0] == '.')
			continue;
		int r = pod_worker_restore(k, de->d_name, &w);
		if (r < 0) {
			log_warning(
			        "pod %s: checkpoint not usable, its containers are left alone: %s",
			        de->d_name, strerror(-r));
			continue;
		}
		n++;
	}
	return n;
}

void kubelet_record_start_latency(Kubelet *k, PodWorker *w) {
	uint64_t now = kubelet_now_monotonic(k);
	k->counters.pods_started++;
	if (k->hooks.pod_started)
		k->hooks.pod_started(k, w, (double)(now - w->started_monotonic) / 1e6,
		                     k->hooks.userdata);
}
