# Associative arrays, as DevStack's functions-common, stackrc and lib/*
# use them, next to indexed arrays, whose subscripts stay arithmetic.

declare -A -g GITREPO GITDIR SYSTEMD_ENV_VARS
GITREPO["oslo.cache"]=https://example.org/oslo.cache.git
GITREPO["python-novaclient"]=https://example.org/python-novaclient.git
GITDIR["python-novaclient"]=/opt/stack/python-novaclient
echo "repo: ${GITREPO["oslo.cache"]} dir: ${GITDIR["python-novaclient"]}/tools"
echo "count: ${#GITREPO[@]} ${#GITDIR[*]}"

# Keys with - or . are strings, quoted or not.
declare -A m; m[k]=v; m[a-b]=1; m[c.d]=2; m[a b]=3
echo "${m[a-b]} ${m[c.d]} ${m[a b]} ${m["a-b"]} ${#m[@]}"
k=a-b; echo "by variable: ${m[$k]} ${m[${k}]}"

# -v on an element, as functions-common checks per-service variables.
SYSTEMD_ENV_VARS[n-novnc]="OS_NOVA_DISABLE_EVENTLET_PATCHING=true"
for service in n-novnc n-api; do
    if [[ -v SYSTEMD_ENV_VARS[$service] ]]; then
        echo "$service: ${SYSTEMD_ENV_VARS[$service]}"
    else
        echo "$service: none"
    fi
done
[[ -v m[k] ]] && echo has-k
[[ -v m[z] ]] || echo no-z
[[ ! -v m[c.d] ]] || echo has-c.d
ref='m[k]'; [[ -v $ref ]] && echo "has $ref"
isset() { [[ -v "$1" ]]; }
isset 'm[a b]' && echo "isset m[a b]"
isset 'm[nope]' || echo "not isset m[nope]"

# bash lists an associative array in the order of its hash table.
declare -A order=([zeta]=1 [alpha]=2 [mid]=3 [oslo.db]=4 [nova]=5 [keystone]=6)
for key in "${!order[@]}"; do printf '%s=%s ' "$key" "${order[$key]}"; done; echo
echo "values: ${order[@]}"
echo "keys: ${!order[*]}"
printf '<%s>' "${order[@]:1:2}"; echo
declare -p order m

# Keys that share a hash bucket: the latest first.
declare -A c; c[k8]=1; c[k116]=2; c[k9]=3; c[k117]=4
declare -p c
unset 'c[k8]'; c[k8]=5; c[k116]=6; echo "${!c[@]}"
declare -A d=([k116]=1 [k8]=2); echo "${!d[@]}"
d=([k8]=1 [k116]=2); echo "${!d[@]}"
d+=([k117]=3 [k9]=4); echo "${!d[@]}"

# Changing it.
unset 'order[mid]'
order+=([extra]=7 [zeta]=8)
order[nova]+=-appended
echo "after: ${#order[@]}: ${!order[*]}"
declare -p order
order=([only]=1)
declare -p order
order=([only]="${order[only]} again" [$k]=x); declare -p order
declare -A pairs=(k v j w q)
declare -p pairs
declare -A quoted=(["a b"]=1 ['$x']=2 [tab]=$'t\tt' [q]='say "hi"' ["~home"]=5 [x=~]=6)
declare -p quoted
declare -A empty=(); declare -A unset_one
declare -p empty unset_one
declare -A mixed=([k]=v stray)
declare -p mixed

# Functions: local -A, and the time_start/time_stop idiom.
declare -A -g _TIME_TOTAL _TIME_START
function time_start {
    local name=$1
    _TIME_START[$name]=100
}
function time_stop {
    local name=$1 total
    total=${_TIME_TOTAL[$name]:-0}
    _TIME_START[$name]=""
    _TIME_TOTAL[$name]=$(($total + 5))
}
for t in git_clone run_process apt-get osc; do time_start $t; time_stop $t; done
time_stop osc
for t in ${!_TIME_TOTAL[*]}; do echo "$t ${_TIME_TOTAL[$t]}"; done
f() {
    local -A seen
    local item
    for item in b a b c a; do seen[$item]=1; done
    echo "seen ${#seen[@]}: ${!seen[*]}"
    declare -p seen
}
f
echo "outside: ${seen[a]:-unset}"

# Indexed arrays keep arithmetic subscripts.
a=(p q r); i=1; n=3
a[i+1]=R; a[n]=s; echo "${a[i+1]} ${a[n-1]} ${a[$i-1]} $(( a[1+1] == a[2] ))"
a[i++]=Q; echo "i=$i ${a[@]} ${#a[@]} ${!a[@]}"
a[2]+=+; echo "${a[2]}"
sparse=([3]=c [7]=d); sparse+=([1]=a); echo "${!sparse[@]} ${sparse[@]:2} ${#sparse[@]}"
declare -p a sparse
b=([k]=x [j]=y); declare -p b
unset 'a[0]'; echo "${a[@]} ${!a[@]}"

# Arithmetic that assigns elements.
declare -A cnt
for w in apple pear apple fig apple; do (( cnt[$w]++ )); done
declare -p cnt
(( m[a-b] += 10 )); let 'm[k2]=3*4'; echo "${m[a-b]} $(( m[k2]-- )) ${m[k2]}"
n=(0 10 20); i=0
while (( i < 3 )); do (( n[i] *= 2, i++ )); done; echo "${n[@]}"; echo "$(( n[1] += 1 )) ${n[1]}"
(( n[0] = 0 )); echo "status $?"

# xtrace shows the assignments as written.
set -x
m[c.d]=22
m[a-b]+=1
a[i+1]=z
set +x
echo "${m[c.d]} ${m[a-b]} ${a[3]}"
