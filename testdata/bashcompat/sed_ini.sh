# Configuration files edited with sed and grep the way DevStack's ini
# functions do (relative paths, -i, ranges, appends), in the forms that
# may run in-process.
dir=$(mktemp -d)
cd "$dir"
printf '[DEFAULT]\ndebug = False\n\n[database]\nconnection = sqlite://\n' > app.conf
chmod 640 app.conf

function conf_set {
    local file=$1 section=$2 option=$3 value=$4
    if ! grep -q "^\[$section\]" "$file" 2>/dev/null; then
        echo -e "\n[$section]" >> "$file"
    fi
    if [[ -z "$(sed -ne "/^\[$section\]/,/^\[.*\]/ { /^$option[ \t]*=/ p; }" "$file")" ]]; then
        sed -i -e "/^\[$section\]/ a\\
$option = $value
" "$file"
    else
        sed -i -e "/^\[$section\]/,/^\[.*\]/ s|^\($option[ \t]*=[ \t]*\).*$|\1$value|" "$file"
    fi
}

function conf_get {
    sed -ne "/^\[$2\]/,/^\[.*\]/ { s/^$3[ \t]*=[ \t]*//p; }" "$1"
}

conf_set app.conf DEFAULT debug True
conf_set app.conf database connection 'mysql+pymysql://root:pw@127.0.0.1/app?charset=utf8'
conf_set app.conf cache backend memcache
conf_set app.conf DEFAULT log_dir /var/log/app
echo "debug=$(conf_get app.conf DEFAULT debug) backend=$(conf_get app.conf cache backend)"
sed -i -e "/^\[DEFAULT\]/,/^\[.*\]/ { /^log_dir[ \t]*=/ d; }" app.conf
cat app.conf
stat -c %a app.conf
ls
sed -n 's/^\[\(.*\)\]/\1/p' app.conf
grep -q '^\[nothing\]' app.conf
echo "grep status $?"
cd / && rm -rf "$dir"
