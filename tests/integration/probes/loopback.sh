#!/bin/bash
# probes/ against real servers on 127.0.0.1 (HTTP, closed port, slow, redirects, gRPC health,
# exec with host commands). The C test starts and stops its own servers (servers.py); all
# traffic stays on loopback. Needs no root; runs with the build's sanitizers if any.
set -u
bin=$BUILD_DIR/tests/unit/probes/test-probes-loopback
if [ ! -x "$bin" ]; then
	echo "not built: $bin"
	exit 77
fi
py=${PROBE_PYTHON:-/usr/bin/python3}
if [ ! -x "$py" ]; then
	echo "no $py"
	exit 77
fi
"$py" -c 'import grpc' 2>/dev/null || echo "note: python3-grpcio missing, the gRPC server cases skip"
export PROBE_SERVERS_PY=$SRCDIR/tests/integration/probes/servers.py PROBE_PYTHON=$py
exec "$bin"
