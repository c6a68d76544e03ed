#pragma once
// Running a cisterna-cli command as a Slurm job array: the batch script that runs it
// once per task (each task finds its index in SLURM_ARRAY_TASK_ID), and its
// submission with sbatch. Slurm does the scheduling; we only write what it runs.
#include <string>
#include <vector>

namespace cisterna::cli {

struct SlurmArrayJob {
    std::string name = "cisterna";
    int tasks = 1;
    std::vector<std::string> command;       // argv of one task; "$SLURM_ARRAY_TASK_ID" is left
                                            // unquoted for the shell to expand
    std::string logPattern;                 // --output, e.g. out.zarr.slurm-%A_%a.log
    std::vector<std::string> sbatchOptions; // extra "#SBATCH" lines, e.g. --partition=gpu
};

// The batch script's text.
std::string slurmArrayScript(const SlurmArrayJob& job);

// Writes the script to `scriptPath` (atomically) and submits it with sbatch; with
// `wait`, sbatch returns when every task has ended (and fails when one failed).
// Returns sbatch's job id. Throws Error with sbatch's own words when it fails.
std::string submitSlurmArray(const SlurmArrayJob& job, const std::string& scriptPath, bool wait);

} // namespace cisterna::cli
