/* SPDX-License-Identifier: Apache-2.0 */
/* A pod's QoS class, as pkg/apis/core/v1/helper/qos GetPodQOS computes it. */
#pragma once

#include "pod.h"

/*
 * Guaranteed when every container (init containers too) has cpu and memory limits and the
 * pod's summed requests equal its summed limits; BestEffort when no container requests or
 * limits cpu or memory; Burstable otherwise. Only positive cpu and memory quantities count.
 */
PodQOSClass pod_qos_class(const Pod *pod);
