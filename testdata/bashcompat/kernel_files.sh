# read from the kernel's settings files, as DevStack's get_random_port
# reads the local port range: they answer a read from the start only.
read lower upper < /proc/sys/net/ipv4/ip_local_port_range
[[ $lower -gt 0 && $upper -gt $lower ]] && echo "a port range"
while read -r line; do
    [[ -n $line ]] && echo "a hostname"
done < /proc/sys/kernel/hostname
read -r max < /proc/sys/kernel/pid_max
(( max > 0 )) && echo "pid_max read whole"
