# The small programs a script calls most (tr, cut, basename, dirname,
# uname) in the plain forms, in pipelines, substitutions and with
# redirections, next to a function and a wrapper of the same name.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "Hello World" | tr '[:upper:]' '[:lower:]'
name=$(echo "nova-compute" | tr - _)
echo "$name"
echo "a,b, c" | tr -d ' ' | tr ',' '\n' | cut -c1
printf 'x.y.z\nplain\n' > "$dir/in.txt"
cut -d. -f1 < "$dir/in.txt"
cut -d . -f 2- < "$dir/in.txt" > "$dir/out.txt"
cat "$dir/out.txt"
echo "base: $(basename https://github.com/openvswitch/ovs.git) $(basename disk.img .img)"
echo "dir: $(dirname /opt/stack/devstack/stackrc) $(dirname stackrc)"
[[ $(uname -m) == "$(command uname -m)" ]] && echo "uname agrees"
printf 'one\ntwo\nthree' | wc -l
[[ $(id -u) == "$EUID" ]] && echo "id agrees"
start=$(date +%s%3N)
end=$(date +%s%3N)
(( ${#start} == 13 && end >= start )) && echo "date in milliseconds"
echo "status: $(echo abc | tr -cd '[:alpha:]'; echo " $?")"
printf 'no newline' | tr 'a-z' 'A-Z'
echo
value='a\b & c'
value=$(echo $value | sed -e 's/\\/\\\\/g' -e 's/&/\\&/g')
echo "escaped: $value"
command="install foo"
echo "running: %command" | sed "s#%command#$command#g"
function tr {
    echo "function tr $*"
}
echo x | tr a b
unset -f tr
mkdir -p "$dir/bin"
printf '#!/bin/sh\necho "wrapped cut $*"\n' > "$dir/bin/cut"
chmod +x "$dir/bin/cut"
PATH=$dir/bin:$PATH
echo a.b | cut -d. -f1
hash -r
