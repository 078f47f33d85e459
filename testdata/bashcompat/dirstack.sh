# pushd, popd and dirs: the top of the stack is the current directory, also
# after a cd. The stack lives in the shell, so a subshell's changes stay there.
cd /tmp; pushd /usr; popd; pwd
pushd /etc; dirs; dirs -v; dirs -p; cd /var; dirs; popd; pwd; popd; echo rc=$?
pushd; echo rc=$?
pushd /nonexistent; echo rc=$?
HOME=/usr; cd /usr/bin; pushd /tmp; dirs; dirs -l; pushd; pushd -n /etc; dirs; pushd +1; popd +1; dirs -c; dirs
( cd /; pushd /usr >/dev/null ); dirs
cd /tmp; cd ""; echo "cd to nothing: $? $PWD"
