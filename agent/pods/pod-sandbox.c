/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's sandbox as the kubelet and containerd set it up before the first container: the pod
 * directory with its volumes (emptyDir on disk or tmpfs, hostPath type checks), the managed
 * /etc/hosts, /etc/hostname and /etc/resolv.conf, the log directory, the pod cgroup, and the pod
 * namespaces (runtime sandbox). All steps are idempotent, so a restarted agent can redo them.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <linux/magic.h>

#include "strutil.h"
#include "cgroups.h"
#include "fileio.h"
#include "log.h"
#include "pod-sandbox.h"
#include "resources.h"

#define RESOLV_CONF_MAX (64 * 1024)

/* The sandbox helper (create or destroy) ended: fold in how, and let the worker go on. */
static int on_helper_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	PodWorker *w = userdata;
	siginfo_t si = {};
	RuntimeError e = {};

	if (waitid(P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return 0;
	int status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	int r = runtime_sandbox_result(w->sandbox_dir, status, &e);
	w->sandbox_source = sd_event_source_disable_unref(w->sandbox_source);
	w->sandbox_pidfd = safe_close(w->sandbox_pidfd);
	w->sandbox_pid = 0;
	if (w->sandbox_destroying) {
		w->sandbox_destroying = false;
		w->sandbox_destroyed = true;
		if (r < 0)
			log_pod(LOG_WARNING, w->key, "pod sandbox destroy: %s",
			        e.message[0] ? e.message : strerror(-r));
	} else if (r < 0) {
		free(w->sandbox_error);
		w->sandbox_error = strprintf("Failed to create pod sandbox: %s",
		                             e.message[0] ? e.message : strerror(-r));
	} else
		w->sandbox_ready = true;
	pod_worker_queue_sync(w);
	return 0;
}

static int watch_helper(PodWorker *w) {
	int r = sd_event_add_io(w->kubelet->event, &w->sandbox_source, w->sandbox_pidfd, EPOLLIN,
	                        on_helper_exit, w);
	if (r >= 0)
		(void)sd_event_source_set_description(w->sandbox_source, "pod-sandbox-helper");
	return r;
}

static int hostpath_check(const Volume *v, char **ret_error) {
	const char *p = v->host_path.path;
	struct stat st;
	bool exists = stat(p, &st) == 0;
	const char *want = NULL;

	switch (v->host_path.type) {
	case HOST_PATH_UNSET:
		return 0;
	case HOST_PATH_DIRECTORY_OR_CREATE:
		if (!exists) {
			int r = mkdir_p(p, 0755);
			if (r < 0)
				*ret_error = strprintf("mkdir %s: %s", p, strerror(-r));
			return r;
		}
		/* fall through */
	case HOST_PATH_DIRECTORY:
		if (!exists || !S_ISDIR(st.st_mode))
			want = "a directory";
		break;
	case HOST_PATH_FILE_OR_CREATE:
		if (!exists) {
			_cleanup_free_ char *dir = strdup(p);
			char *slash = dir ? strrchr(dir, '/') : NULL;
			if (slash && slash != dir) {
				*slash = 0;
				(void)mkdir_p(dir, 0755);
			}
			int fd =
			        open(p, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
			if (fd < 0 && errno != EEXIST) {
				int r = negative_errno();
				*ret_error = strprintf("open %s: %s", p, strerror(-r));
				return r;
			}
			safe_close(fd);
			return 0;
		}
		/* fall through */
	case HOST_PATH_FILE:
		if (!exists || !S_ISREG(st.st_mode))
			want = "a file";
		break;
	case HOST_PATH_SOCKET:
		if (!exists || !S_ISSOCK(st.st_mode))
			want = "a socket file";
		break;
	case HOST_PATH_CHAR_DEVICE:
		if (!exists || !S_ISCHR(st.st_mode))
			want = "a character device";
		break;
	case HOST_PATH_BLOCK_DEVICE:
		if (!exists || !S_ISBLK(st.st_mode))
			want = "a block device";
		break;
	}
	if (!want)
		return 0;
	/* pkg/volume/hostpath/host_path.go checkType */
	*ret_error = strprintf(
	        "MountVolume.SetUp failed for volume \"%s\" : hostPath type check failed: %s "
	        "is not %s",
	        v->name, p, want);
	return -ENOTDIR;
}

static bool is_tmpfs(const char *path) {
	struct statfs sf;
	return statfs(path, &sf) == 0 && sf.f_type == TMPFS_MAGIC;
}

static int empty_dir_setup(PodWorker *w, const Volume *v, char **ret_error) {
	_cleanup_free_ char *path = pod_volume_path(w->pod_dir, v);
	int r;

	if (!path)
		return -ENOMEM;
	r = mkdir_p(path, 0777);
	if (r < 0) {
		*ret_error = strprintf("mkdir %s: %s", path, strerror(-r));
		return r;
	}
	(void)chmod(path, 0777); /* the kubelet's emptyDir mode: any container user writes */
	if (v->empty_dir.medium != STORAGE_MEDIUM_MEMORY || is_tmpfs(path))
		return 0;

	/* medium: Memory — a tmpfs sized by sizeLimit, else the pod's memory limit, else node
	 * allocatable memory (emptydir: getPageSizeMountOption / calculateEmptyDirMemorySize). */
	int64_t size = w->kubelet->allocatable.memory;
	ResourceSum lim = pod_limits(w->pod);
	if (lim.memory > 0)
		size = lim.memory;
	if (v->empty_dir.size_limit.set) {
		int64_t s = 0;
		if (quantity_value(&v->empty_dir.size_limit.value, &s) >= 0 && s > 0 && s < size)
			size = s;
	}
	char opts[64];
	snprintf(opts, sizeof(opts), "mode=0777,size=%lld", (long long)MAX(size, 4096));
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) {
		r = negative_errno();
		*ret_error =
		        strprintf("MountVolume.SetUp failed for volume \"%s\" : mount tmpfs: %s",
		                  v->name, strerror(-r));
		return r;
	}
	return 0;
}

static int write_pod_file(PodWorker *w, const char *name, const char *content) {
	_cleanup_free_ char *p = NULL;
	if (asprintf(&p, "%s/%s", w->pod_dir, name) < 0)
		return -ENOMEM;
	return write_file_atomic(p, content, strlen(content), 0644);
}

/* kubelet_pods.go managedHostsFileContent */
static int write_hosts(PodWorker *w) {
	_cleanup_free_ char *s = NULL, *host = NULL;
	const PodSpec *spec = &w->pod->spec;
	int r;

	if (spec->host_network) {
		_cleanup_free_ char *h = NULL;
		r = read_full_file("/etc/hosts", RESOLV_CONF_MAX, &h, NULL);
		if (asprintf(&s, "# Kubernetes-managed hosts file (host network).\n%s",
		             r >= 0 ? h : "") < 0)
			return -ENOMEM;
		return write_pod_file(w, "etc-hosts", s);
	}
	const char *hn = !isempty(spec->hostname) ? spec->hostname : w->pod->metadata.name;
	if (!isempty(w->pod_ip)) {
		if (!isempty(spec->subdomain))
			r = asprintf(&host, "%s\t%s.%s.%s.svc.cluster.local\t%s\n", w->pod_ip, hn,
			             spec->subdomain, w->pod->metadata.namespace, hn);
		else
			r = asprintf(&host, "%s\t%s\n", w->pod_ip, hn);
		if (r < 0)
			return -ENOMEM;
	}
	if (asprintf(&s,
	             "# Kubernetes-managed hosts file.\n"
	             "127.0.0.1\tlocalhost\n"
	             "::1\tlocalhost ip6-localhost ip6-loopback\n"
	             "fe00::0\tip6-localnet\n"
	             "fe00::0\tip6-mcastprefix\n"
	             "fe00::1\tip6-allnodes\n"
	             "fe00::2\tip6-allrouters\n"
	             "%s",
	             strempty(host)) < 0)
		return -ENOMEM;
	return write_pod_file(w, "etc-hosts", s);
}

static int write_resolv_conf(PodWorker *w) {
	_cleanup_free_ char *host = NULL;
	DNSPolicy p = w->pod->spec.dns_policy;

	if (p == DNS_POLICY_NONE)
		return write_pod_file(w, "resolv.conf", "");
	if ((p == DNS_POLICY_CLUSTER_FIRST ||
	     (p == DNS_POLICY_CLUSTER_FIRST_WITH_HOST_NET && w->pod->spec.host_network)) &&
	    !w->events_missing_dns_done) {
		/* no cluster DNS on a standalone node: the kubelet falls back to Default */
		pod_events_add(&w->events, true, "MissingClusterDNS", kubelet_now(w->kubelet),
		               "pod: \"%s\". kubelet does not have ClusterDNS IP configured and "
		               "cannot create Pod using \"%s\" policy. Falling back to \"Default\" "
		               "policy.",
		               w->full_name, dns_policy_to_string(p));
		w->events_missing_dns_done = true;
	}
	if (read_full_file("/etc/resolv.conf", RESOLV_CONF_MAX, &host, NULL) < 0)
		return write_pod_file(w, "resolv.conf", "");
	return write_pod_file(w, "resolv.conf", host);
}

static int write_hostname(PodWorker *w) {
	_cleanup_free_ char *s = NULL;
	char buf[256] = "";
	const char *h = w->pod->spec.hostname ? w->pod->spec.hostname : w->pod->metadata.name;
	if (w->pod->spec.host_network) {
		gethostname(buf, sizeof(buf) - 1);
		h = buf;
	}
	if (asprintf(&s, "%.63s\n", h) < 0)
		return -ENOMEM;
	return write_pod_file(w, "hostname", s);
}

static int setup_dirs(PodWorker *w, char **ret_error) {
	_cleanup_free_ char *ctrs = NULL;
	int r;

	if (asprintf(&ctrs, "%s/containers", w->pod_dir) < 0)
		return -ENOMEM;
	if ((r = mkdir_p(ctrs, 0750)) < 0 || (r = mkdir_p(w->log_dir, 0755)) < 0 ||
	    (r = mkdir_p(w->state_dir, 0700)) < 0) {
		*ret_error = strprintf("creating the pod's directories: %s", strerror(-r));
		return r;
	}
	for (size_t i = 0; i < w->pod->spec.n_volumes; i++) {
		const Volume *v = &w->pod->spec.volumes[i];
		r = v->type == VOLUME_HOST_PATH ? hostpath_check(v, ret_error)
		                                : empty_dir_setup(w, v, ret_error);
		if (r < 0)
			return r;
	}
	if ((r = write_hosts(w)) < 0 || (r = write_hostname(w)) < 0 ||
	    (r = write_resolv_conf(w)) < 0) {
		*ret_error = strprintf("writing the pod's /etc files: %s", strerror(-r));
		return r;
	}
	return 0;
}

int pod_sandbox_setup(PodWorker *w, char **ret_error) {
	Kubelet *k = w->kubelet;
	int r;

	*ret_error = NULL;
	r = setup_dirs(w, ret_error);
	if (r < 0)
		return r;

	if (k->cgroups_enabled && !w->cgroup_created) {
		CgroupLimits l = pod_cgroup_limits(w->pod, &k->resources);
		r = cgroup_create(w->cgroup, &l);
		if (r < 0) {
			*ret_error = strprintf("failed to create the pod cgroup %s: %s", w->cgroup,
			                       strerror(-r));
			return r;
		}
		w->cgroup_created = true;
		kubelet_update_qos_cgroups(k);
	}

	if (w->sandbox_error) { /* the last create failed: report it once, the worker retries */
		*ret_error = TAKE_PTR(w->sandbox_error);
		return -EIO;
	}
	if (!w->sandbox_ready && w->sandbox_pidfd >= 0)
		return -EINPROGRESS;
	if (!w->sandbox_ready) {
		_cleanup_(sandbox_config_done) SandboxConfig sc = {};
		const PodSpec *spec = &w->pod->spec;
		if ((r = sandbox_config_init(&sc)) < 0)
			return r;
		sc.new_net = !spec->host_network;
		sc.new_uts = !spec->host_network;
		sc.new_ipc = !spec->host_ipc;
		sc.share_pid = spec->share_process_namespace.set &&
		               spec->share_process_namespace.value && !spec->host_pid;
		if (!spec->host_network) {
			const char *h =
			        !isempty(spec->hostname) ? spec->hostname : w->pod->metadata.name;
			if (!(sc.hostname = strndup(h, 63)))
				return -ENOMEM;
		}
		if (k->cgroups_enabled && !(sc.cgroup_path = strdup(w->cgroup)))
			return -ENOMEM;
		r = runtime_sandbox_spawn(w->sandbox_dir, &sc, &w->sandbox_pid, &w->sandbox_pidfd);
		if (r < 0) {
			*ret_error = strprintf("Failed to create pod sandbox: %s", strerror(-r));
			return r;
		}
		r = watch_helper(w);
		return r < 0 ? r : -EINPROGRESS;
	}
	return 0;
}

static void unmount_memory_volumes(PodWorker *w) {
	for (size_t i = 0; i < w->pod->spec.n_volumes; i++) {
		const Volume *v = &w->pod->spec.volumes[i];
		if (v->type != VOLUME_EMPTY_DIR || v->empty_dir.medium != STORAGE_MEDIUM_MEMORY)
			continue;
		_cleanup_free_ char *path = pod_volume_path(w->pod_dir, v);
		while (path && is_tmpfs(path) && umount2(path, MNT_DETACH) == 0)
			;
	}
}

int pod_sandbox_cleanup(PodWorker *w) {
	Kubelet *k = w->kubelet;
	int r = 0, q;

	if (w->sandbox_pidfd >= 0)
		return -EINPROGRESS; /* a helper still runs: called again when it ended */
	if (!w->sandbox_destroyed) {
		w->netns_fd = safe_close(w->netns_fd);
		w->sandbox_destroying = true;
		r = runtime_sandbox_destroy_spawn(w->sandbox_dir, &w->sandbox_pid,
		                                  &w->sandbox_pidfd);
		if (r >= 0 && (r = watch_helper(w)) >= 0)
			return -EINPROGRESS;
		log_pod(LOG_WARNING, w->key, "pod sandbox not destroyed: %s", strerror(-r));
		w->sandbox_destroyed = true;
	}
	w->sandbox_ready = false;
	if (k->cgroups_enabled && w->cgroup) {
		(void)cgroup_kill(w->cgroup);
		(void)cgroup_wait_empty(w->cgroup, 2000);
		q = cgroup_destroy(w->cgroup);
		if (q < 0 && r == 0)
			r = q;
		w->cgroup_created = false;
		kubelet_update_qos_cgroups(k);
	}
	unmount_memory_volumes(w);
	q = rm_rf(w->pod_dir);
	if (q < 0 && r == 0)
		r = q;
	return r;
}
