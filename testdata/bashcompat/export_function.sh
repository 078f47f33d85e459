# export -f puts a function in the environment of the programs the shell
# starts, as bash does (BASH_FUNC_NAME%%), without the trace commands the
# tool adds; declare -f prints it back as written.
f(){ echo from-f "$@"; local x=1; for i in 1 2; do echo $i; done; }
export -f f; bash -c 'f a'
g(){ echo g; }; declare -fx g; bash -c g
h(){ echo h; }; bash -c h 2>/dev/null || echo "h not exported $?"
set | grep -c BASH_FUNC
env | grep -c '^BASH_FUNC_f%%='
export -f nosuch; echo $?
k(){ local v=1; [[ $v == 1 ]] && echo "k $v"; }; export -f k; set -x; bash -c k; set +x
eval "$(echo "copy()"; declare -f k | tail -n +2)"; copy
