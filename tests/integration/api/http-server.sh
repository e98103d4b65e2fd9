#!/bin/bash
# The local API server and the CLI's client together, from the (sanitized) build: Unix socket
# in a scratch directory, TCP on 127.0.0.1, streams, limits, shutdown. Same binary meson runs
# as the api-integration unit test; here it runs as root with the integration runner.
set -eu
BUILD_DIR=${BUILD_DIR:?}
t=$BUILD_DIR/tests/unit/api/test-api-integration
s=$BUILD_DIR/tests/unit/api/test-api-server
if [ ! -x "$t" ] || [ ! -x "$s" ]; then
	echo "api test binaries not built in $BUILD_DIR"
	exit 77
fi
exec "$t" "$s"
