# A background job has its own call stack: the main shell's FUNCNAME and
# the job's caller stay right while both call functions at the same time.
worker() {
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        inner_worker
    done
}
inner_worker() {
    local c
    c=$(caller 0)
    set -- $c
    echo "job: $2 called inner_worker" >> "$TMPDIR/job.out"
    sleep 0.01
}
main_loop() {
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        main_inner
    done
}
main_inner() { echo "main: ${FUNCNAME[*]}" >> "$TMPDIR/main.out"; sleep 0.01; }
worker &
main_loop
wait
sort "$TMPDIR/job.out" | uniq -c
sort "$TMPDIR/main.out" | uniq -c
