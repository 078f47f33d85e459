#!/bin/bash
#
# compare-stack.sh DEVSTACK_DIR [CONFIG]
#
# Runs a DevStack checkout's stack, unstack and clean twice, once under
# bash (`bash ./stack.sh`, `./unstack.sh`, `./clean.sh`) and once under
# devstack (`devstack --top-dir TREE stack|unstack|clean --allow-root`), and
# compares what each did: exit status, the ordered record of external
# commands, and the files written. Prints a table, the first differences,
# and exits non-zero on any difference.
#
# CONFIG is the local.conf put in the tree. scripts/compare-configs holds
# the ones issue 7 asks for, run by cmd/devstack's TestCompareStack
# (DEVSTACK_DIR=CHECKOUT go test -run TestCompareStack ./cmd/devstack):
#   master-keymysql.conf   master, ENABLED_SERVICES=key,mysql
#   master-default.conf    master, DevStack's default services
#   master-plugin.conf     master, key,mysql and `enable_plugin hello` of
#                          testdata/plugins/hello-devstack-plugin, which is
#                          copied to /opt/compare/plugins on both sides
#   juno-default.conf      juno-eol, its defaults (FORCE=yes, LOGFILE=)
#   icehouse-default.conf  icehouse-eol, its defaults (the same)
# e.g. bash scripts/compare-stack.sh /tmp/ds-juno-eol \
#          scripts/compare-configs/juno-default.conf
# A line "# compare-env: NAME=VALUE..." in CONFIG puts NAME=VALUE in both
# sides' environment (juno and icehouse read FORCE before local.conf).
# Without CONFIG, a minimal one that
# works from icehouse to master: passwords set, ENABLED_SERVICES=key,mysql,
# FORCE=yes (older branches refuse Debian bookworm otherwise), an empty
# LOGFILE (juno's outfilter.py is Python 2), DEVSTACK_PARALLEL=False (the
# record of parallel jobs would interleave differently on every run).
#
# Each runner works in a private mount namespace (unshare -m), with overlays
# over /etc, /usr, /var, /root, /opt, /tmp and /run (where /var/run
# points) whose upper directories are on
# tmpfs (/dev/shm), so nothing reaches the machine. The checkout is copied
# to the same absolute path, /opt/compare/devstack, for each runner. A stub
# directory (scripts/stubs, see scripts/stubs/recorder for why each command
# is stubbed) comes first on PATH: each stub appends its argv to the record.
# The runs get a fixed environment (env -i): HOME, USER, LOGNAME, TERM,
# LANG, and PATH=STUBS:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:
# /sbin:/bin. The stubs are also bound over the machine's commands of the
# same names (DevStack calls some by absolute path), except python3.
#
# The stubs make what DevStack reads back after each stubbed download or
# install (wget: tarballs with the programs DevStack copies out; pip:
# egg-info, programs and data files; apt-get: package directories and
# configuration files; git clone: the files of scripts/stubs/seeds/NAME;
# systemctl start: OVN's sockets; openstack and keystone: ids, images);
# each stub's header says what and why.
#
# Runs as root. Both of DevStack's root refusals would stop it, so for bash
# the line `if [[ $EUID -eq 0 ]]; then` of stack.sh and unstack.sh becomes
# `if false; then` (line numbers kept); devstack gets the pristine tree and
# passes over the refusal itself. The two rewritten files are left out of
# the file comparison.
#
# Environment:
#   DEVSTACK_BIN  the binary (default: bin/devstack of this repository)
#   RUNNER        devstack (default): the devstack side runs
#                 `devstack stack|unstack|clean --allow-root`;
#                 sh: it runs `devstack sh ./stack.sh` (./unstack.sh,
#                 ./clean.sh) on the same rewritten tree as bash, which
#                 checks the interpreter alone;
#                 bash: both sides run bash, which checks the harness and
#                 its normalisations
#   KEEP=1        keep the work directory (its path is printed)
#   STEP_TIMEOUT  seconds each command may take (default 1200)
#   DEVSTACK_PROGRAMTIMES
#                 passed to the devstack side only: a file outside the
#                 overlays (/dev/shm) that devstack appends its program
#                 times to (see README.md, Development)
#
# Normalisations, applied to both sides before comparing (each one a value
# that depends on time, pids or mktemp's random names):
#   1. records and file contents: mktemp's names /tmp/tmp.XXXXXXXXXX (and
#      any DIR/tmp.XXXXXXXXXX) become tmp.RANDOM; tempest's
#      tempest_u_c_m.XXXXXXXXXX becomes tempest_u_c_m.RANDOM, keystone's
#      ldap.$$.XXXXXXXXXX becomes ldap.PID.RANDOM, icehouse's
#      pip-build.XXXXX becomes pip-build.RANDOM
#   2. file contents: a line that is only epoch seconds, or only the
#      output of `date` (the .prereqs marker), becomes EPOCH or DATE; a line
#      starting "# YYYY-MM-DD-HHMMSS" (the head of .stackenv) starts "# TIME"
#   3. file contents under DEST/async/*.ini (DevStack's async jobs): the
#      values of start_time, end_time and pid become N; in heat.conf, the
#      auth_encryption_key that juno's lib/heat draws from /dev/urandom
#      becomes RANDOM
#   4. file names: the same as 1, and DevStack's worlddump-YYYY-MM-DD-HHMMSS
#      (written when stack.sh fails) becomes worlddump-TIME
#   5. records: the start time and duration that DevStack hands to
#      generate-subunit become TIME and SECONDS
#   6. the content of DevStack's worlddump files (a dump of the machine's
#      processes and state at that moment) is not compared
#   7. elapsed times are compared only as a ratio, never as equal
#   8. devstack's events file beside the tree's log (NAME.events and the
#      NAME.events.TIME it links to, JSON lines bash has no counterpart
#      of) is left out of the file comparison
# Whatever else differs is reported.

set -o errexit -o nounset -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TREE=/opt/compare/devstack
PLUGINS=/opt/compare/plugins
COMMANDS="stack unstack clean"

function usage {
    echo "usage: $0 DEVSTACK_DIR [CONFIG]" >&2
    exit 2
}

# --- the inner side: runs in the private namespace -------------------------

# inner RUNNER SIDE RUN_DIR SOURCE CONFIG: one side's three commands.
function inner {
    local runner=$1 side=$2 run=$3 source=$4 config=$5
    local dir cmd status start end

    mount --make-rprivate /
    for dir in etc usr var root opt tmp run; do
        mkdir -p "$run/upper/$dir" "$run/overlay-work/$dir"
        mount -t overlay overlay \
            -o "lowerdir=/$dir,upperdir=$run/upper/$dir,workdir=$run/overlay-work/$dir" "/$dir"
    done

    # As root, DevStack works as the user "stack", which stack.sh's root
    # branch would create; it is created here, in the overlay, with the
    # home DevStack gives it.
    if ! id stack > /dev/null 2>&1; then
        useradd -U -s /bin/bash -d /opt/stack -m stack
    fi
    # The sudo stub stands in for the sudo package, which brings the
    # directory DevStack writes its rules into.
    mkdir -p /etc/sudoers.d
    mkdir -p "$(dirname $TREE)"
    rm -rf "$TREE"
    cp -a "$source" "$TREE"
    cp "$config" "$TREE/local.conf"
    # The plugins of testdata/plugins, for enable_plugin NAME PATH.
    rm -rf "$PLUGINS"
    mkdir -p "$PLUGINS"
    cp -a "$HERE/testdata/plugins/." "$PLUGINS/"
    if [[ $side == bash || $runner != devstack ]]; then
        sed -i 's/^if \[\[ \$EUID -eq 0 \]\]; then$/if false; then/' "$TREE/stack.sh" "$TREE/unstack.sh"
    fi

    list_files "$run/upper" > "$run/files.before"
    mkdir -p "$run/state"
    # DevStack calls some commands by absolute path (sudo /bin/systemctl):
    # the stubs are bound over the machine's own, in this namespace only.
    # Not python3 nor sha256sum, whose stubs run the real ones. The ip stub
    # runs a copy of the real ip, kept in $run/real first.
    local stub name
    mkdir -p "$run/real"
    cp -p "$(readlink -f /usr/sbin/ip)" "$run/real/ip"
    # mount itself goes last: the loop needs the real one.
    for stub in $(ls -d "$STUBS"/* | grep -v '/mount$') "$STUBS/mount"; do
        name=${stub##*/}
        [[ $name == python3* || $name == sha256sum || $name == recorder || $name == seeds ]] && continue
        for dir in /usr/bin /usr/sbin; do
            if [[ -e $dir/$name ]]; then
                mount --bind "$stub" "$dir/$name"
            fi
        done
    done
    for cmd in $COMMANDS; do
        start=$(date +%s.%N)
        set +o errexit
        (
            cd "$TREE"
            exec env -i HOME=/root USER=root LOGNAME=root TERM=dumb LANG=C.UTF-8 \
                PATH="$STUBS:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
                COMPARE_RECORD="$run/record" COMPARE_STATE="$run/state" COMPARE_STUBS="$STUBS" \
                COMPARE_REAL="$run/real" \
                COMPARE_PACKAGE_DIRS=1 \
                XDG_CONFIG_HOME=/nonexistent \
                $(config_env "$config") \
                $(program_times_env "$side") \
                timeout -k 10 "${STEP_TIMEOUT:-1200}" $(side_command "$runner" "$side" "$cmd")
        ) < /dev/null > "$run/$cmd.out" 2>&1
        status=$?
        set -o errexit
        end=$(date +%s.%N)
        echo "$status" > "$run/$cmd.status"
        echo "$end - $start" | bc > "$run/$cmd.time"
        touch "$run/record"
        normalise < "$run/record" > "$run/$cmd.record"
        rm -f "$run/record"
        list_files "$run/upper" > "$run/files.after"
        # Files written by this command: lines new or changed since before.
        LC_ALL=C comm -13 "$run/files.before" "$run/files.after" |
            grep -v -E "^/opt/compare/devstack/(stack|unstack)\.sh " > "$run/$cmd.files" || true
        mv "$run/files.after" "$run/files.before"
        # A copy of each file written, to show how contents differ.
        local path type rest
        while read -r path type rest; do
            if [[ $type == file ]]; then
                mkdir -p "$run/$cmd.snap$(dirname "$path")"
                cp "$run/upper$path" "$run/$cmd.snap$path" 2> /dev/null || true
            fi
        done < "$run/$cmd.files"
    done
}

# config_env CONFIG: the NAME=VALUE words of CONFIG's "# compare-env:"
# lines, for both sides' environment.
function config_env {
    sed -n 's/^# compare-env: *//p' "$1" | tr -s ' \t' '\n' | grep -E '^[A-Za-z_][A-Za-z0-9_]*=[^ ]*$' || true
}

# program_times_env SIDE: DEVSTACK_PROGRAMTIMES for the devstack side,
# when the caller set it.
function program_times_env {
    if [[ $1 != bash && -n ${DEVSTACK_PROGRAMTIMES:-} ]]; then
        echo "DEVSTACK_PROGRAMTIMES=$DEVSTACK_PROGRAMTIMES"
    fi
}

# side_command RUNNER SIDE COMMAND: the words that run COMMAND on one side.
function side_command {
    local runner=$1 side=$2 cmd=$3
    local script=./$cmd.sh
    if [[ $side == bash || $runner == bash ]]; then
        if [[ $cmd == stack ]]; then
            echo "bash $script"
        else
            echo "$script"
        fi
    elif [[ $runner == sh ]]; then
        echo "$DEVSTACK_BIN sh $script"
    else
        echo "$DEVSTACK_BIN --top-dir $TREE $cmd --allow-root"
    fi
}

# normalise: the normalisations of the header, on a stream.
function normalise {
    sed -E -e 's#(/|^|[^A-Za-z0-9_])(tmp|tempest_u_c_m)\.[A-Za-z0-9]{10}#\1\2.RANDOM#g' \
        -e 's#(/|^|[^A-Za-z0-9_])ldap\.[0-9]+\.[A-Za-z0-9]{10}#\1ldap.PID.RANDOM#g' \
        -e 's#(/|^|[^A-Za-z0-9_])pip-build\.[A-Za-z0-9]{5}#\1pip-build.RANDOM#g' \
        -e 's#^generate-subunit [0-9]+ [0-9]+( |$)#generate-subunit TIME SECONDS\1#' \
        -e 's#/worlddump-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}\.txt #/worlddump-TIME.txt #'
}

# normalise_content PATH: the normalisations of file contents, on a stream;
# PATH says which file it is.
function normalise_content {
    local async='s/^(start_time|end_time|pid) = [0-9]+$/\1 = N/'
    [[ $1 == */async/*.ini ]] || async=''
    local heat='s/^auth_encryption_key = [0-9a-f]{32}$/auth_encryption_key = RANDOM/'
    [[ $1 == */heat.conf ]] || heat=''
    normalise | sed -E -e "$async" -e "$heat" \
        -e 's/^[0-9]{10}$/EPOCH/' \
        -e 's/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Z]+ [0-9]{4}$/DATE/' \
        -e 's/^# [0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}( |$)/# TIME\1/'
}

# list_files UPPER: one line per path written in the overlays' upper
# directories, as "PATH TYPE MODE OWNER CONTENT", sorted; CONTENT is a hash
# of a file's normalised content, a symlink's target, "-" otherwise. Paths
# are shown as on the machine (/etc/...). A deletion shows as a whiteout.
function list_files {
    local upper=$1
    local path rel type mode owner content
    (cd "$upper" && find . -mindepth 2 -print0) | sort -z |
    while IFS= read -r -d '' path; do
        rel=${path#.}
        if [[ $rel =~ \.events(\.[0-9-]+)?$ ]]; then
            continue
        fi
        path=$upper$rel
        mode=$(stat -c '%a' "$path")
        owner=$(stat -c '%U:%G' "$path")
        if [[ -L $path ]]; then
            type=link
            content=$(readlink "$path")
        elif [[ -d $path ]]; then
            type=dir
            content=-
        elif [[ -c $path ]]; then
            type=deleted
            content=-
        elif [[ -f $path ]]; then
            type=file
            if [[ $rel == */worlddump-*.txt ]]; then
                content=not-compared
            else
                content=$(normalise_content "$rel" < "$path" | sha256sum)
            fi
            content=${content%% *}
        else
            type=other
            content=-
        fi
        printf '%s %s %s %s %s\n' "$rel" "$type" "$mode" "$owner" "$content"
    done | normalise | LC_ALL=C sort
}

if [[ ${1:-} == --inner ]]; then
    shift
    inner "$@"
    exit 0
fi

# --- the outer side ---------------------------------------------------------

[[ $# -ge 1 && $# -le 2 ]] || usage
SOURCE=$(cd "$1" && pwd)
[[ -f $SOURCE/stack.sh && -f $SOURCE/stackrc ]] || {
    echo "$SOURCE is not a DevStack checkout (no stack.sh or stackrc)" >&2
    exit 2
}
RUNNER=${RUNNER:-devstack}
case $RUNNER in
    devstack|sh|bash) ;;
    *) echo "RUNNER must be devstack, sh or bash, not $RUNNER" >&2; exit 2 ;;
esac
export DEVSTACK_BIN=${DEVSTACK_BIN:-$HERE/bin/devstack}
if [[ $RUNNER != bash && ! -x $DEVSTACK_BIN ]]; then
    echo "no devstack binary at $DEVSTACK_BIN (make build, or set DEVSTACK_BIN)" >&2
    exit 2
fi
DEVSTACK_BIN=$(readlink -f "$DEVSTACK_BIN")
[[ $EUID -eq 0 ]] || { echo "$0 must run as root (it mounts overlays)" >&2; exit 2; }

WORK=$(mktemp -d /dev/shm/compare-stack.XXXXXX)
if [[ ${KEEP:-} == 1 ]]; then
    echo "work directory: $WORK"
else
    trap 'rm -rf "$WORK"' EXIT
fi

# The stubs, their links (scripts/stubs/links), and python3.N for each of
# the machine's interpreters.
export STUBS=$WORK/stubs
cp -a "$HERE/scripts/stubs" "$STUBS"
while read -r name target; do
    [[ -z $name || $name == \#* ]] || ln -sfn "$target" "$STUBS/$name"
done < "$STUBS/links"
for py in /usr/bin/python3.[0-9]*; do
    [[ ${py##*/} =~ ^python3\.[0-9]+$ ]] && ln -sfn python3 "$STUBS/${py##*/}"
done

if [[ -n ${2:-} ]]; then
    cp "$2" "$WORK/local.conf"
else
    cat > "$WORK/local.conf" <<'EOF'
[[local|localrc]]
ADMIN_PASSWORD=secret
DATABASE_PASSWORD=secret
RABBIT_PASSWORD=secret
SERVICE_PASSWORD=secret
SERVICE_TOKEN=secret
ENABLED_SERVICES=key,mysql
FORCE=yes
LOGFILE=
DEVSTACK_PARALLEL=False
EOF
fi

# Each side runs at the same path, $WORK/run, then moves to $WORK/SIDE.
for side in bash devstack; do
    unshare -m "$HERE/scripts/compare-stack.sh" --inner "$RUNNER" "$side" "$WORK/run" \
        "$SOURCE" "$WORK/local.conf"
    mv "$WORK/run" "$WORK/$side"
done

# --- the comparison ----------------------------------------------------------

case $RUNNER in
    devstack) label="devstack" ;;
    sh) label="devstack sh" ;;
    bash) label="bash again" ;;
esac
failed=0
printf '%-8s | %-14s | %-34s | %-15s | %-11s | %s\n' command "bash: commands" \
    "$label: commands, identical" "files differing" "exit status" "time ratio"
for cmd in $COMMANDS; do
    b=$WORK/bash d=$WORK/devstack
    nb=$(wc -l < "$b/$cmd.record")
    nd=$(wc -l < "$d/$cmd.record")
    # Identical: the longest common subsequence, as diff sees it.
    same=$(diff --unchanged-line-format='=%L' --old-line-format='' --new-line-format='' \
        "$b/$cmd.record" "$d/$cmd.record" | wc -l || true)
    diff "$b/$cmd.files" "$d/$cmd.files" > "$WORK/$cmd.files.diff" || true
    nfiles=$( (grep -E '^[<>]' "$WORK/$cmd.files.diff" || true) | cut -c3- | cut -d' ' -f1 | sort -u | wc -l)
    sb=$(cat "$b/$cmd.status") sd=$(cat "$d/$cmd.status")
    ratio=$(echo "scale=2; $(cat "$d/$cmd.time") / $(cat "$b/$cmd.time")" | bc)
    printf '%-8s | %-14s | %-34s | %-15s | %-11s | %s\n' "$cmd" "$nb" "$nd, $same" "$nfiles" \
        "$sb/$sd" "${ratio}x"
    if [[ $nb != "$nd" || $nb != "$same" || $nfiles != 0 || $sb != "$sd" ]]; then
        failed=1
    fi
done
for cmd in $COMMANDS; do
    b=$WORK/bash d=$WORK/devstack
    if ! cmp -s "$b/$cmd.record" "$d/$cmd.record"; then
        echo
        echo "== $cmd: records differ (first differences)"
        diff -u --label "bash $cmd" --label "$label $cmd" "$b/$cmd.record" "$d/$cmd.record" | head -40 || true
    fi
    if [[ -s $WORK/$cmd.files.diff ]]; then
        echo
        echo "== $cmd: files differ (< bash, > $label; path type mode owner content)"
        head -40 "$WORK/$cmd.files.diff"
        # How the first few files present on both sides differ.
        (grep -E '^< ' "$WORK/$cmd.files.diff" || true) | cut -d' ' -f2 | head -3 |
        while read -r path; do
            if [[ -f $b/$cmd.snap$path && -f $d/$cmd.snap$path ]]; then
                diff -u --label "bash $path" --label "$label $path" \
                    <(normalise_content "$path" < "$b/$cmd.snap$path") \
                    <(normalise_content "$path" < "$d/$cmd.snap$path") | head -20 || true
            fi
        done
    fi
    if [[ $(cat "$b/$cmd.status") != "$(cat "$d/$cmd.status")" ]]; then
        echo
        echo "== $cmd: exit status differs; last lines of output:"
        echo "-- bash:"
        tail -8 "$b/$cmd.out"
        echo "-- $label:"
        tail -8 "$d/$cmd.out"
    fi
done
if [[ $failed != 0 && ${KEEP:-} != 1 ]]; then
    echo
    echo "(KEEP=1 keeps the outputs, records and file lists in a work directory)"
fi
exit $failed
