#!/bin/sh
# memdir launcher: this shell stub is followed by the memdir jar itself.
exec java ${MEMDIR_JAVA_OPTS:-} -jar "$0" "$@"
