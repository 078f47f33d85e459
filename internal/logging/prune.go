package logging

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// pruneLogs removes what stack.sh's LOGDAYS removes before a run: in the
// LOGFILE's directory (not below it), every entry but a directory named
// LOGFILE.* whose age in whole days is more than days, as
// `find DIR -maxdepth 1 -name NAME.\* -mtime +DAYS -exec rm {} \;` does.
// It returns the paths removed.
func pruneLogs(logfile string, days int, now time.Time) ([]string, error) {
	dir, prefix := filepath.Dir(logfile), filepath.Base(logfile)+"."
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if age := now.Sub(info.ModTime()); int(age/(24*time.Hour)) <= days {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, path)
	}
	return removed, errors.Join(errs...)
}
