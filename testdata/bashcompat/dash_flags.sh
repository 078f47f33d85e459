# $- lists the shell's one-letter options in bash's order, the ones the
# interpreter lacks (h, B, x, C, E, T) included.
echo "$-"
set -e; echo "${-}"
set -u -C; echo $-
set +C -E; echo "${-#e}"
[[ $- == *e* ]] && echo "errexit is on"
set -x
echo "$-"
set +x
case $- in *x*) echo traced ;; *) echo "not traced" ;; esac
cat <<EOT
in a here-document: $-
EOT
set +euE
echo "$-"
