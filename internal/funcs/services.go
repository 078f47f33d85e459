package funcs

// Service is a service run_process started in this session, or found
// running already, for the end of the run to list.
type Service struct {
	Name string
	// Pid is the process group of a supervised service; Unit the systemd
	// unit of one systemd runs.
	Pid  int
	Unit string
	// Log is a supervised service's log file.
	Log string
}

// recordService adds s to the services, replacing one of the same name.
func (l *Library) recordService(s Service) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.services {
		if l.services[i].Name == s.Name {
			l.services[i] = s
			return
		}
	}
	l.services = append(l.services, s)
}

// Services are the services run_process started or found running, in
// the order it did.
func (l *Library) Services() []Service {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Service(nil), l.services...)
}
