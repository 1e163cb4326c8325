//go:build !unix

package bench

import "os"

// usage is a process's resource usage; unknown on this system.
type usage struct {
	cpu       float64
	maxRSSMiB float64
}

func processUsage(*os.ProcessState) usage { return usage{} }

func selfCPU() float64 { return 0 }
