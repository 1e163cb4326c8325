//go:build unix

package bench

import (
	"os"
	"runtime"
	"syscall"
)

// usage is a process's resource usage.
type usage struct {
	cpu       float64 // user + system seconds
	maxRSSMiB float64
}

func processUsage(ps *os.ProcessState) usage {
	if ps == nil {
		return usage{}
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return usage{}
	}
	return fromRusage(ru)
}

func fromRusage(ru *syscall.Rusage) usage {
	rss := float64(ru.Maxrss) / 1024 // KiB on Linux
	if runtime.GOOS == "darwin" {
		rss /= 1024 // bytes on macOS
	}
	return usage{
		cpu:       tv(ru.Utime) + tv(ru.Stime),
		maxRSSMiB: rss,
	}
}

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

// selfCPU returns the CPU seconds this process has used so far.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return fromRusage(&ru).cpu
}
