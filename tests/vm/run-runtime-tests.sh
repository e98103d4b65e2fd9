#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The container runtime's integration tests inside a pure cgroup-v2 VM (see
# tests/integration/runtime/run-in-vm). BUILD_DIR is passed on.
exec "$(dirname "$0")/../integration/runtime/run-in-vm" "$@"
