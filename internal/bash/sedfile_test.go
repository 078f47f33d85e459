package bash

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"mvdan.cc/sh/v3/expand"
)

// iniFiles are configuration files as DevStack's ini functions meet them.
var iniFiles = map[string]string{
	"service.conf": "[DEFAULT]\ndebug = True\ntransport_url=rabbit://stackrabbit:secret@10.0.0.5:5672/\n#state_path = /var/lib/x\n" +
		"# log_dir = /var/log\n\n[database]\nconnection =  mysql+pymysql://root:pw@127.0.0.1/nova?charset=utf8\nmax_retries\t=\t-1\n" +
		"[keystone_authtoken]\nauth_url = http://10.0.0.5/identity\nauth_type = password\nmemcached_servers = localhost:11211\n" +
		"[oslo_concurrency]\nlock_path = /opt/stack/data/nova\n[database]\nconnection = second\n",
	"empty.conf":      "",
	"no-newline.conf": "[DEFAULT]\ndebug = False\n[database]\nconnection = x",
	"sections.conf":   "[a]\n[b]\n[DEFAULT]\n[keystone_authtoken]\n",
	"local.conf": "[[local|localrc]]\nADMIN_PASSWORD=secret\nDATABASE_PASSWORD=$ADMIN_PASSWORD\n" +
		"[[post-config|$NOVA_CONF]]\n[DEFAULT]\nuse_syslog = True\n[[post-config|/etc/neutron/neutron.conf]]\n[DEFAULT]\nservice_plugins = router\n" +
		"[[test-config|$TEMPEST_CONFIG]]\n[compute]\nflavor_ref = 42\n",
	"crlf.conf": "[DEFAULT]\r\ndebug = True\r\n",
}

// iniScripts are sed arguments shaped like DevStack's ini functions' for
// a section, an option and a value.
func iniScripts(section, option, value string) [][]string {
	sep := "\x01"
	return [][]string{
		{"-ne", "/^\\[" + section + "\\]/,/^\\[.*\\]/ { /^" + option + "[ \\t]*=/ p; }"},
		{"-ne", "/^\\[" + section + "\\]/,/^\\[.*\\]/ { s/^" + option + "[ \\t]*=[ \\t]*//gp; }"},
		{"-n", "-e", "/^\\[" + section + "\\]/,/^\\[.*\\]/ { /^" + option + "[ \\t]*=/ p; }"},
		{"-i", "-e", "/^\\[" + section + "\\]/,/^\\[.*\\]/ s|^\\(" + option + "[ \\t]*=[ \\t]*\\).*$|\\1" + value + "|"},
		{"-i", "-e", "/^\\[" + section + "\\]/ a\\\n" + option + " = " + value + "\n"},
		{"-i", "-e", "/^\\[" + section + "\\]/,/^\\[.*\\]/ { /^" + option + "[ \\t]*=/ d; }"},
		{"-i", "-e", "/^\\[" + section + "\\]/,/^\\[.*\\]/ s|^\\(" + option + "[ \\t]*=.*$\\)|#\\1|"},
		{"-i", "-e", "/^\\[" + section + "\\]/,/^\\[.*\\]/ s|[^ \\t]*#[ \\t]*\\(" + option + "[ \\t]*=.*$\\)|\\1|"},
		{"-i", "/^\\[" + section + "\\]/ a " + option + "=" + value},
		{"-ne", "s/^\\[\\(.*\\)\\]/\\1/p"},
		{"-ne", "\\" + sep + "^\\[\\[post-config|" + section + "\\]\\]" + sep + ",\\" + sep + "\\[\\[.*\\]\\]" + sep + "{\n/^\\[\\[.*\\]\\]/d\np\n}"},
		{"-e", "s/" + option + "/X&Y/g", "-e", "/^\\[/d"},
		{"-n", "/" + option + "/p"},
		{"s/[[:digit:]]\\{2,\\}/N/g"},
		{"-e", "s/^\\([a-z_]*\\) *= *\\(.*\\)$/\\2 = \\1/"},
		{"-i", "-e", "s/\\(=\\) */\\1 /", "-e", "/^$/d"},
	}
}

// TestSedFileAsProgram runs each script on each file with the system's
// sed and in-process, each on a copy, and wants the same output, status,
// file contents and mode.
func TestSedFileAsProgram(t *testing.T) {
	sedPath := systemProgram("sed")
	if sedPath == "" {
		t.Skip("no sed on this system")
	}
	var scripts [][]string
	for _, sec := range []string{"DEFAULT", "database", "missing", "$NOVA_CONF"} {
		for _, opt := range []string{"debug", "connection", "state_path", "use_syslog"} {
			for _, val := range []string{"True", "mysql+pymysql://root:secret@127.0.0.1/nova?charset=utf8", `a\&b\\c`} {
				scripts = append(scripts, iniScripts(sec, opt, val)...)
			}
		}
	}
	// local.conf's sections name files by path.
	scripts = append(scripts, iniScripts("/etc/neutron/neutron.conf", "service_plugins", "")[10])
	env := expand.ListEnviron("LANG=C.UTF-8", "PATH=/usr/bin:/bin")
	seen := map[string]bool{}
	for _, args := range scripts {
		key := strings.Join(args, "\x00")
		if seen[key] {
			continue
		}
		seen[key] = true
		for name, content := range iniFiles {
			compareSedFile(t, sedPath, append(args, name), name, content, env)
		}
	}
}

func compareSedFile(t *testing.T, sedPath string, args []string, name, content string, env expand.Environ) {
	t.Helper()
	inDir, progDir := t.TempDir(), t.TempDir()
	for _, dir := range []string{inDir, progDir} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	full := append([]string{"sed"}, args...)
	run, ok := coreutil(sedPath, full, env, inDir)
	if !ok {
		t.Fatalf("%q is not answered in-process", full)
	}
	var out, errOut bytes.Buffer
	status := run(strings.NewReader(""), &out, &errOut)

	want, wantErr, wantStatus := runProgram(t, progDir, sedPath, args, "")
	got := describeFile(t, filepath.Join(inDir, name))
	wantFile := describeFile(t, filepath.Join(progDir, name))
	if out.String() != want || status != wantStatus || errOut.String() != wantErr || got != wantFile {
		t.Errorf("sed %q on %s:\nin-process: status %d, %q, stderr %q, file %q\nprogram:    status %d, %q, stderr %q, file %q",
			args, name, status, out.String(), errOut.String(), got, wantStatus, want, wantErr, wantFile)
	}
	for _, dir := range []string{inDir, progDir} {
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("sed %q left %d files in its directory, want 1", args, len(entries))
		}
	}
}

// describeFile is a file's mode and contents.
func describeFile(t *testing.T, path string) string {
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%v %q", info.Mode(), data)
}

// TestGrepFileAsProgram: grep -q PATTERN FILE in-process and as the
// system's grep give the same status.
func TestGrepFileAsProgram(t *testing.T) {
	grepPath := systemProgram("grep")
	if grepPath == "" {
		t.Skip("no grep on this system")
	}
	env := expand.ListEnviron("LANG=C.UTF-8", "PATH=/usr/bin:/bin")
	dir := t.TempDir()
	for name, content := range iniFiles {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	patterns := []string{`^\[DEFAULT\]`, `^\[database\]`, `^\[missing\]`, `^\[\[post-config|$NOVA_CONF\]\]`,
		`^\[\[post-config|/etc/neutron/neutron.conf\]\]`, `debug`, `^debug = True$`, `x$`, `connection *= *x`,
		`[[:space:]]-1`, `a\|b`, `\(de\)bug`, `o\{2\}`, `^$`, `.`, `*`}
	for _, pattern := range patterns {
		for name := range iniFiles {
			args := []string{"grep", "-q", pattern, name}
			run, ok := coreutil(grepPath, args, env, dir)
			if !ok {
				t.Errorf("%q is not answered in-process", args)
				continue
			}
			status := run(nil, nil, nil)
			_, _, wantStatus := runProgram(t, dir, grepPath, args[1:], "")
			if status != wantStatus {
				t.Errorf("%q: status %d in-process, %d from grep", args, status, wantStatus)
			}
		}
	}
}

// TestSedFileDeclined: forms the session leaves to the program.
func TestSedFileDeclined(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"f.conf": "[DEFAULT]\nx = 1\n", "utf8.conf": "[DEFAULT]\nname = caf\xc3\xa9\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "big.log"), bytes.Repeat([]byte("line of a log\n"), 100000), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("f.conf", filepath.Join(dir, "link.conf")); err != nil {
		t.Fatal(err)
	}
	env := expand.ListEnviron("LANG=C.UTF-8")
	cases := [][]string{
		{"sed", "-i", "s/x/y/", "missing.conf"},
		{"sed", "-i", "s/x/y/", "link.conf"},
		{"sed", "-i", "s/x/y/", "utf8.conf"},
		{"sed", "-i", "s/x/y/", "f.conf", "f.conf"},
		{"sed", "-i.bak", "s/x/y/", "f.conf"},
		{"sed", "-ie", "s/x/y/", "f.conf"},
		{"sed", "-E", "s/x+/y/", "f.conf"},
		{"sed", "-n", "/\\(x\\)\\1/p", "f.conf"},
		{"sed", "-n", "$p", "f.conf"},
		{"sed", "-n", "1p", "f.conf"},
		{"sed", "s/x*/y/", "f.conf"},
		{"sed", "s/x/\\U&/", "f.conf"},
		{"sed", "s/x/y/w out", "f.conf"},
		{"sed", "s/x/y/2", "f.conf"},
		{"sed", "/x/I d", "f.conf"},
		{"sed", "/x/ { a\\\nnew\nd }", "f.conf"},
		{"sed", "/x/ i\\\nnew", "f.conf"},
		{"sed", "y/x/y/", "f.conf"},
		{"sed", "s.x\\.y.z.", "f.conf"},
		{"sed", "s/x/y/", "-"},
		{"grep", "-q", "x", "missing.conf"},
		{"grep", "-q", "\\t", "f.conf"},
		{"grep", "-q", "[\\t]", "f.conf"},
		{"grep", "-q", "\\(x\\)\\1", "f.conf"},
		{"grep", "-qE", "x", "f.conf"},
		{"grep", "-q", "x", "f.conf", "f.conf"},
		{"grep", "-q", "caf", "utf8.conf"},
		{"grep", "-q", "line", "big.log"},
		{"sed", "-n", "/line/p", "big.log"},
	}
	for _, args := range cases {
		if _, ok := coreutil("/usr/bin/"+args[0], args, env, dir); ok {
			t.Errorf("%q is answered in-process; it must run the program", args)
		}
	}
	if _, ok := coreutil("/usr/bin/sed", []string{"sed", "-i", "s/x/y/", "f.conf"}, expand.ListEnviron("LANG=C.UTF-8", "POSIXLY_CORRECT=1"), dir); ok {
		t.Errorf("sed with POSIXLY_CORRECT in its environment is answered in-process; it must run the program")
	}
}

// TestSedFileDeclinesACL: sed -i on a file with an access control list
// runs the program, which carries the list over to the new file.
func TestSedFileDeclinesACL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.conf")
	if err := os.WriteFile(path, []byte("x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Version 2; the owner rw, user 65534 r, the group r, the mask r,
	// others r.
	acl := []byte{2, 0, 0, 0}
	for _, e := range []struct {
		tag, perm uint16
		id        uint32
	}{{0x01, 6, 0xffffffff}, {0x02, 4, 65534}, {0x04, 4, 0xffffffff}, {0x10, 4, 0xffffffff}, {0x20, 4, 0xffffffff}} {
		acl = append(acl, byte(e.tag), byte(e.tag>>8), byte(e.perm), byte(e.perm>>8),
			byte(e.id), byte(e.id>>8), byte(e.id>>16), byte(e.id>>24))
	}
	if err := syscall.Setxattr(path, "system.posix_acl_access", acl, 0); err != nil {
		t.Skipf("no access control lists here: %v", err)
	}
	env := expand.ListEnviron("LANG=C.UTF-8")
	if _, ok := coreutil("/usr/bin/sed", []string{"sed", "-i", "s/x/y/", "f.conf"}, env, dir); ok {
		t.Errorf("sed -i on a file with an access control list is answered in-process; it must run the program")
	}
	if _, ok := coreutil("/usr/bin/sed", []string{"sed", "-n", "s/x/y/p", "f.conf"}, env, dir); !ok {
		t.Errorf("sed -n reading a file with an access control list should be answered in-process")
	}
}
