#!/bin/sh
# Fails when any tracked C source drifts from .clang-format.
cd "$(dirname "$0")/.." || exit 1
files=$(git ls-files '*.c' '*.h')
[ -z "$files" ] && exit 0
# shellcheck disable=SC2086
clang-format --dry-run --Werror $files
