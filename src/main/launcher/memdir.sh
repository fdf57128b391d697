#!/bin/sh
# memdir launcher: this shell stub is followed by the memdir jar itself.
#
# Class-data sharing (#15): "$0.jsa" (target/memdir.jsa beside target/memdir) archives the classes
# the everyday commands load, already parsed and verified, which the JVM maps instead of reading
# them from the jar; "$0.short.jsa" the same for the short commands alone (below). An archive fits
# only the launcher file (path, size and time stamp) and the JVM it was made for; the JVM ignores
# one that does not fit (-Xshare:auto, its warning turned off).
# The build makes both; when the one a command uses is missing or older than this file (a rebuilt
# or copied launcher), the launcher makes it again, once (a few seconds), if it may write beside
# itself.
# MEMDIR_CDS=off runs without it; MEMDIR_JAVA_OPTS adds JVM options.
self=$0
# Short commands run in a fraction of a second: the C1 compiler alone and the serial collector cost
# a third less CPU there (benchmarks/RESULTS.md, "CLI start"). So does `bench`, a batch of a few
# seconds where C2's compiling costs more than it wins: the LoCoMo retrieval run on the dev file
# takes 2.2-2.6 s instead of 6.0-6.4 s (RESULTS.md, LocomoSpeedBenchmark). Long-lived or heavy
# ones (search, chat, an import, a server) keep the JVM's defaults. MEMDIR_JAVA_OPTS comes later
# and wins.
c1='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC'
jit=
short=
case "${1:-}" in
  bench) jit=$c1 ;;
  show | validate | memory | init | open | close | context | log | diff | undo | -V | --version | -h | --help)
    jit=$c1 short=short ;;
  history | archival)
    case "${2:-}" in
      search | import) ;;
      *) jit=$c1 short=short ;;
    esac ;;
esac
# Where the kernel gives transparent huge pages on request ("madvise"), these commands ask for them
# for the heap: fewer page faults as it is first touched; `bench locomo` -12% wall, `show` -7%
# (RESULTS.md, "Transparent huge pages"). With "always" the kernel does so anyway, with "never" not.
if [ -n "$jit" ] && [ -r /sys/kernel/mm/transparent_hugepage/enabled ]; then
  read -r thp </sys/kernel/mm/transparent_hugepage/enabled || thp=
  case "$thp" in *'[madvise]'*) jit="$jit -XX:+UseTransparentHugePages" ;; esac
fi
# Short commands map "$0.short.jsa", an archive of only what they load: the JVM relocates a whole
# archive at every start, and this one is half the size (40 ms sooner for `show`).
if [ -n "$short" ]; then jsa=$self.short.jsa; else jsa=$self.jsa; fi
if [ "${MEMDIR_CDS:-on}" != off ]; then
  if { [ ! -f "$jsa" ] || [ "$self" -nt "$jsa" ]; } \
    && { [ ! -f "$jsa.failed" ] || [ "$self" -nt "$jsa.failed" ]; } \
    && [ -w "$(dirname "$self")" ]; then
    abs=$(cd "$(dirname "$self")" && pwd -P)/$(basename "$self")
    tmp=$jsa.$$.tmp
    [ -t 2 ] && echo "memdir: making the class-data archive $jsa (once)" >&2
    # Written under a temporary name and moved: a torn archive would crash the JVM.
    if java -XX:ArchiveClassesAtExit="$tmp" '-Xlog:cds*=off' $jit -cp "$abs" dev.memdir.cli.CdsTraining \
        $short >/dev/null 2>&1 && [ -s "$tmp" ]; then
      mv -f "$tmp" "$jsa" && rm -f "$jsa.failed"
    else
      rm -f "$tmp"
      : >"$jsa.failed"
    fi
  fi
  if [ -f "$jsa" ] && [ ! "$self" -nt "$jsa" ]; then
    exec java -XX:SharedArchiveFile="$jsa" -Xshare:auto '-Xlog:cds*=off' \
      $jit ${MEMDIR_JAVA_OPTS:-} -jar "$self" "$@"
  fi
fi
exec java $jit ${MEMDIR_JAVA_OPTS:-} -jar "$self" "$@"
