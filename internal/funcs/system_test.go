package funcs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGetOSVersion compares GetOSVersion and GetDistro on this machine
// with /etc/os-release and, where it is installed, lsb_release, which
// DevStack asks.
func TestGetOSVersion(t *testing.T) {
	rel := readOSRelease()
	if rel["ID"] == "" {
		t.Skip("no os-release")
	}
	out, err := script(t, t.TempDir(), nil, `GetOSVersion; echo "$os_VENDOR|$os_RELEASE|$os_CODENAME|$os_PACKAGE"; GetDistro; echo "$DISTRO"`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("output %q", out)
	}
	got := strings.Split(lines[0], "|")
	if got[1] != rel["VERSION_ID"] {
		t.Errorf("os_RELEASE %q, VERSION_ID %q", got[1], rel["VERSION_ID"])
	}
	if rel["ID"] == "debian" || rel["ID"] == "ubuntu" {
		want := []string{strings.ToUpper(rel["ID"][:1]) + rel["ID"][1:], rel["VERSION_ID"], rel["VERSION_CODENAME"], "deb"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("os_* = %q, want %q", got, want)
		}
		if lines[1] != rel["VERSION_CODENAME"] {
			t.Errorf("DISTRO %q, want %q", lines[1], rel["VERSION_CODENAME"])
		}
	}
	if _, err := exec.LookPath("lsb_release"); err == nil && !rhelFamily.MatchString(rel["ID"]) {
		var want []string
		for _, flag := range []string{"-i", "-r", "-c"} {
			out, err := exec.Command("lsb_release", flag, "-s").Output()
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, strings.TrimSpace(string(out)))
		}
		if strings.Join(got[:3], "|") != strings.Join(want, "|") {
			t.Errorf("os_VENDOR, os_RELEASE, os_CODENAME = %q, lsb_release says %q", got[:3], want)
		}
	}
}

func TestOSVersionFrom(t *testing.T) {
	tests := []struct {
		osRelease string
		want      osVersion
		distro    string
	}{
		{`ID=debian
VERSION_ID="12"
VERSION_CODENAME=bookworm
NAME="Debian GNU/Linux"`, osVersion{"Debian", "12", "bookworm", "deb"}, "bookworm"},
		{`NAME="Ubuntu"
VERSION_ID="24.04"
ID=ubuntu
ID_LIKE=debian
VERSION_CODENAME=noble`, osVersion{"Ubuntu", "24.04", "noble", "deb"}, "noble"},
		{`ID=debian
NAME="Debian GNU/Linux"
PRETTY_NAME="Debian GNU/Linux trixie/sid"`, osVersion{"Debian", "n/a", "n/a", "deb"}, "n/a"},
		{`NAME="Fedora Linux"
VERSION="40 (Server Edition)"
ID=fedora
VERSION_ID=40`, osVersion{"Fedora", "40", "n/a", "rpm"}, "f40"},
		{`NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
VERSION_ID="9.3"`, osVersion{"RockyLinux", "9.3", "Blue Onyx", "rpm"}, "rhel9"},
		{`NAME="CentOS Stream"
VERSION="9"
ID="centos"
VERSION_ID="9"`, osVersion{"CentOSStream", "9", "n/a", "rpm"}, "rhel9"},
		{`NAME="Red Hat Enterprise Linux"
VERSION="9.4 (Plow)"
ID="rhel"
VERSION_ID="9.4"`, osVersion{"RedHatEnterpriseLinux", "9.4", "Plow", "rpm"}, "rhel9"},
		{`NAME="openEuler"
VERSION="22.03 (LTS-SP3)"
ID="openEuler"
VERSION_ID="22.03"`, osVersion{"openEuler", "22.03", "n/a", "rpm"}, "openEuler-22.03"},
		// DevStack knows Debian and Ubuntu by name only.
		{`NAME="Linux Mint"
ID=linuxmint
ID_LIKE="ubuntu debian"
VERSION_ID="21.3"
VERSION_CODENAME=virginia`, osVersion{"Linuxmint", "21.3", "virginia", "rpm"}, ""},
		{`NAME="A \"quoted\" name"
ID='plan9'`, osVersion{"Plan9", "n/a", "n/a", "rpm"}, ""},
	}
	for _, tt := range tests {
		got := osVersionFrom(parseOSRelease([]byte(tt.osRelease)))
		if got != tt.want {
			t.Errorf("%q:\ngot  %+v\nwant %+v", tt.osRelease, got, tt.want)
		}
		d, err := distro(got)
		if tt.distro == "" && err == nil || tt.distro != "" && d != tt.distro {
			t.Errorf("%+v: DISTRO %q (%v), want %q", got, d, err, tt.distro)
		}
	}
	if got := parseOSRelease([]byte(`NAME="A \"quoted\" \$name"`))["NAME"]; got != `A "quoted" $name` {
		t.Errorf("NAME %q", got)
	}
}

func TestIsDistribution(t *testing.T) {
	tests := []struct {
		env  []string
		want string
	}{
		{[]string{"os_PACKAGE=deb", "os_VENDOR=Ubuntu"}, "ubuntu"},
		{[]string{"os_PACKAGE=rpm", "os_VENDOR=Fedora"}, "fedora"},
		{[]string{"os_PACKAGE=rpm", "os_VENDOR=CentOSStream"}, "fedora"},
		{[]string{"os_PACKAGE=rpm", "os_VENDOR=openEuler"}, "fedora openeuler"},
		{[]string{"os_PACKAGE=rpm", "os_VENDOR=Plan9"}, ""},
	}
	for _, tt := range tests {
		out, err := script(t, t.TempDir(), tt.env, `
r=""
for f in ubuntu fedora openeuler; do
    if is_$f; then r="$r $f"; fi
done
echo $r`)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if strings.TrimSpace(out) != tt.want {
			t.Errorf("%v: %q, want %q", tt.env, out, tt.want)
		}
	}
}

func TestGetField(t *testing.T) {
	table := "+----+------+\n| id | name |\n+----+------+\n| 42 | demo |\n+----+------+\n"
	tests := []struct {
		input string
		n     string
		want  string
	}{
		{table, "1", "\nid\n\n42\n\n"},
		{table, "2", "\nname\n\ndemo\n\n"},
		{table, "-1", "+----+------+\nname\n+----+------+\ndemo\n+----+------+\n"},
		{table, "-2", "id\n42\n"},
		{"| a | b | c |\n", "3", "c\n"},
		{"| a | b | c |\n", "9", "\n"},
		{"   | spaced\tvalue |  \n", "1", "spaced\tvalue\n"},
		{"| a\\|b |\n", "1", "a\n"},
		{"| a |\\\n b |\n", "2", "b\n"},
		{"| no newline |", "1", ""},
		{"\n", "1", "\n"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		in := filepath.Join(dir, "in")
		if err := os.WriteFile(in, []byte(tt.input), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := script(t, dir, nil, "get_field "+tt.n+" < in 2>/dev/null || true")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if out != tt.want {
			t.Errorf("get_field %s of %q = %q, want %q", tt.n, tt.input, out, tt.want)
		}
	}
}

// TestGetFieldStatus checks that, as DevStack's loop, get_field fails when
// the last line has no such field.
func TestGetFieldStatus(t *testing.T) {
	out, err := script(t, t.TempDir(), nil, `printf '| a |\n' | get_field -5 2>/dev/null || echo "status=$?"`)
	if err != nil || out != "status=2\n" {
		t.Errorf("err = %v, output %q", err, out)
	}
}

func TestSafePermission(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := script(t, dir, nil, "safe_chmod 600 f && safe_chown $(id -u):$(id -g) f"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if info, _ := os.Stat(f); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode().Perm())
	}

	asNonRoot(t)
	bin := newFakeBin(t)
	bin.add(t, "sudo", fakeSudo)
	if out, err := script(t, dir, []string{bin.pathVar()}, "safe_chmod 640 f"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := bin.calls(t); strings.Join(got, "\n") != "sudo chmod 640 f" {
		t.Errorf("calls %q", got)
	}
	if info, _ := os.Stat(f); info.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", info.Mode().Perm())
	}
}

func TestTimers(t *testing.T) {
	s, out, err := runScript(t, t.TempDir(), nil, `
time_start work; sleep 0.02; time_stop work
time_start work; sleep 0.02; time_stop work
time_start other; time_stop other`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	timings := s.lib.Timings()
	if timings["work"] < 40*time.Millisecond {
		t.Errorf("work took %v, want both runs added up", timings["work"])
	}
	if _, ok := timings["other"]; !ok || len(timings) != 2 {
		t.Errorf("timings %v", timings)
	}

	for text, want := range map[string]string{
		"time_stop never":                    "was not started",
		"time_start twice; time_start twice": "running already",
	} {
		out, err := script(t, t.TempDir(), nil, text)
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("%s: err = %v, output %q; want a failure saying %q", text, err, out, want)
		}
	}
}
