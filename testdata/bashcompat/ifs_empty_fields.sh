# An IFS with characters other than blanks delimits empty fields, in
# read and in the splitting of unquoted expansions; DevStack reads CSV
# lines with IFS=, and property strings with IFS=':;'.
show() { local v out=""; for v in "$@"; do out+="[$v]"; done; echo "$# $out"; }

IFS=, read -ra a <<<"a,,b,"; show "${a[@]}"
IFS=: read -r x y z <<<"1::3"; echo "$x|$y|$z"
IFS=':;' read -a props <<<"thin;;ide:e1000"; show "${props[@]}"
printf '%s\n' "1,proj,,True" "2,other,desc,False" | while IFS=, read id name desc enabled; do
    echo "id=$id name=$name desc=[$desc] enabled=$enabled"
done
IFS="=" read flag profiles <<<"--profile=test=x"; echo "$flag | $profiles"

# The last variable takes the rest of the line.
IFS=, read -r x y <<<"a,b,"; echo "[$x][$y]"
IFS=, read -r x y <<<"a,b,,"; echo "[$x][$y]"
IFS=, read -r x <<<"a,"; echo "[$x]"
IFS=' ,' read -r x y z w <<<" a , b ,, c , "; echo "[$x][$y][$z][$w]"
IFS=' ,' read -r x y <<<" a , b ,, c , "; echo "[$x][$y]"
IFS= read -r x y <<<"  a  b  "; echo "[$x][$y]"
read -r x y <<<"  a  b  c  "; echo "[$x][$y]"
read x y <<<'a\ b c\,d'; echo "[$x][$y]"
read -r x y <<<'a\ b c'; echo "[$x][$y]"
read <<<"  keep  "; echo "[$REPLY]"
IFS=, read -r -a empty <<<""; show "${empty[@]}"
read -d , first <<<"one,two"; echo "[$first]"
read -n 3 three <<<"abcdef"; echo "[$three]"
printf 'no newline' | { read -r last; echo "status $? [$last]"; }
read -N 4 four <<<"ab
cd"; echo "[$four]"
read -r -d '' all <<'EOT'
multi
line
EOT
echo "status $? [$all]"
printf 'l1 a\nl2 b\n' > "${TMPDIR:-/tmp}/in.txt"
exec 3< "${TMPDIR:-/tmp}/in.txt"
read -u 3 x y; read -r -u 3 line; echo "[$x][$y][$line]"
read -u 3 line; echo "status $? [$line]"
exec 3<&-

# Word splitting of unquoted expansions.
s="a,,b"
IFS=,
set -- $s; echo $#
show $s
show x$s"y"
s=",a,"; show $s
s=",,"; show $s
s="a , b,, c"; IFS=" ,"; show $s
IFS=:; path="/usr/bin::/bin:"; show $path
for dir in $path; do echo "dir [$dir]"; done
list=($path); echo "${#list[@]} ${list[1]}"
show "$path" $empty_var "" ${unset_var:-d::e}
IFS=$' \t\n'
s="a,,b"; show $s

# A function that sets its own IFS, as inc/python's join_extras does.
join_extras() {
    local IFS=","
    echo "$*"
}
split_csv() {
    local IFS=,
    local fields=($1)
    echo "${#fields[@]}: ${fields[*]}"
}
join_extras test doc ""
split_csv "x,,y,"
split_csv ",only"

# Where a function sets IFS, its words are split by the session: with
# blanks in IFS again, as bash splits them, globs included.
flavors() {
    local available=$'| 1 | m1.tiny |\r\n| 2 | m1.small |' line
    IFS=$'\r\n'
    for line in $available; do echo "line [$line]"; done
    IFS=" "
    local words=($available)
    echo "${#words[@]} words"
    IFS=$' \t\n'
    cd "${TMPDIR:-/tmp}" && touch g1.txt g2.txt
    local pat="g*.txt" sp="  a  b  " tab=$'x\ty' none=
    show $pat "$pat" ${pat%.txt}.none $sp "$sp" $tab $none "$none" pre$sp"post" $(echo one two) $((1+2)) ~ ~/x *.txt
    set -f; show $pat; set +f
    printf '%s|' $sp; echo
}
flavors
