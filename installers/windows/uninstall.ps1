<#
.SYNOPSIS
  Removes the asr-ready scheduled task and binary; keeps the configuration and spool unless -Purge.
.NOTES
  Not executed in this repository's CI (no Windows there).
#>
[CmdletBinding()]
param([switch] $Purge)
$ErrorActionPreference = 'Stop'
# Elevation by the Administrators group's well-known SID (its name is translated); not with
# `#Requires -RunAsAdministrator`, which PowerShell 2.0/3.0 (Server 2008 R2 / 2012) cannot parse.
$administrators = New-Object Security.Principal.SecurityIdentifier('S-1-5-32-544')
if (-not (New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())).IsInRole($administrators)) {
  [Console]::Error.WriteLine('uninstall.ps1 must run elevated (as an administrator): start PowerShell with "Run as administrator".')
  exit 1
}
Unregister-ScheduledTask -TaskPath '\AsrReady\' -TaskName 'Readiness' -Confirm:$false -ErrorAction SilentlyContinue
Remove-Item -Recurse -Force (Join-Path $env:ProgramFiles 'asr-ready') -ErrorAction SilentlyContinue
if ($Purge) { Remove-Item -Recurse -Force (Join-Path $env:ProgramData 'asr-ready') -ErrorAction SilentlyContinue }
Write-Output ('asr-ready removed' + $(if ($Purge) { ', with its configuration and spool' } else { "; kept $env:ProgramData\asr-ready (use -Purge)" }))
