/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's feature gates (k8s.io/component-base/featuregate) for the gates skiff knows.
 * Resolution follows featureGate.Enabled() after SetFromMap(): a gate given in the map takes
 * that value; otherwise AllAlpha (AllBeta) given sets every alpha (beta) gate; otherwise the
 * gate's default. The order of the map does not matter: setUnsetAlphaGates only fills gates
 * that were not given.
 */
#include "kubelet-config-fields.h"

typedef enum FeatureStage {
	STAGE_SPECIAL, /* AllAlpha, AllBeta */
	STAGE_ALPHA,
	STAGE_BETA,
} FeatureStage;

typedef struct FeatureGateSpec {
	const char *name;
	FeatureStage stage;
	bool default_value;
	/* where skiff_config_finish() puts the effective value; 0 for the special gates */
	size_t offset;
} FeatureGateSpec;

static const FeatureGateSpec gates[_FEATURE_GATE_MAX] = {
	[FEATURE_ALL_ALPHA] = { "AllAlpha", STAGE_SPECIAL, false, 0 },
	[FEATURE_ALL_BETA] = { "AllBeta", STAGE_SPECIAL, false, 0 },
	/* pkg/features: MemoryQoS {Version 1.22, Default false, Alpha} */
	[FEATURE_MEMORY_QOS] = { "MemoryQoS", STAGE_ALPHA, false,
	                         offsetof(SkiffConfig, memory_qos) },
};

const char *feature_gate_to_string(FeatureGateId id) {
	if (id < 0 || id >= _FEATURE_GATE_MAX)
		return NULL;
	return gates[id].name;
}

FeatureGateId feature_gate_from_string(const char *s) {
	for (size_t i = 0; s && i < _FEATURE_GATE_MAX; i++)
		if (streq(gates[i].name, s))
			return (FeatureGateId)i;
	return _FEATURE_GATE_INVALID;
}

bool feature_gate_is_special(FeatureGateId id) {
	return id >= 0 && id < _FEATURE_GATE_MAX && gates[id].stage == STAGE_SPECIAL;
}

bool feature_gate_enabled(const FeatureGates *g, FeatureGateId id) {
	if (id < 0 || id >= _FEATURE_GATE_MAX)
		return false;
	if (g->set[id])
		return g->value[id];
	if (gates[id].stage == STAGE_ALPHA && g->set[FEATURE_ALL_ALPHA])
		return g->value[FEATURE_ALL_ALPHA];
	if (gates[id].stage == STAGE_BETA && g->set[FEATURE_ALL_BETA])
		return g->value[FEATURE_ALL_BETA];
	return gates[id].default_value;
}

int feature_gates_set(FeatureGates *g, const char *name, bool value) {
	FeatureGateId id = feature_gate_from_string(name);
	if (id < 0)
		return -ENOENT;
	g->set[id] = true;
	g->value[id] = value;
	return 0;
}

void feature_gates_resolve(SkiffConfig *c) {
	for (size_t i = 0; i < _FEATURE_GATE_MAX; i++)
		if (gates[i].stage != STAGE_SPECIAL)
			*(bool *)((char *)c + gates[i].offset) =
			        feature_gate_enabled(&c->feature_gates, (FeatureGateId)i);
}
