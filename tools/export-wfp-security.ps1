<#
.SYNOPSIS
  Exports the security descriptors of the Windows Filtering Platform's objects
  as an ntsec security file (docs/security-file.md, format ntsec-wfp-security/1).

.DESCRIPTION
  *** NOT RUNNABLE IN ntsec's CI: it needs Windows and the Base Filtering
  Engine. The specs use hand-written files in the same shape
  (spec/fixtures/security/). ***

  Run as an administrator, next to `netsh wfp show state`, so that the dump and
  the descriptors describe the same moment:

      powershell -ExecutionPolicy Bypass -File export-wfp-security.ps1 -Output C:\temp\STATE-security.json
      netsh wfp show state file=C:\temp\STATE.xml

  then, on any machine:

      bin/ntsec audit STATE.xml --policy P.lua --security STATE-security.json

  Only documented functions of fwpuclnt.dll (fwpmu.h, fwpsu.h) and advapi32.dll
  are called, through P/Invoke:
    FwpmEngineOpen0 / FwpmEngineClose0
    FwpmEngineGetSecurityInfo0                     (the engine root)
    Fwpm{Provider,SubLayer,Layer,Callout,Filter}GetSecurityInfoByKey0
                                                   (NULL key: the container; a key: the object)
    FwpmConnectionGetSecurityInfo0, FwpsAleEndpointGetSecurityInfo0   (keyless containers)
    Fwpm{...}CreateEnumHandle0 / Fwpm{...}Enum0 / Fwpm{...}DestroyEnumHandle0
                                                   (the objects: key and display name)
    FwpmFreeMemory0, ConvertSecurityDescriptorToStringSecurityDescriptorW, LocalFree
  Descriptors are read with OWNER | GROUP | DACL_SECURITY_INFORMATION (BFE keeps
  no SACL). A call that fails is reported on stderr with its code and that
  object is left out; nothing partial is written for it.

.PARAMETER Output
  The JSON file to write (UTF-8, no byte-order mark).
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory = $true)][string]$Output
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

Add-Type -Language CSharp -TypeDefinition @'
using System;
using System.Runtime.InteropServices;

public static class NtsecWfp {
    // fwpmu.h / fwpsu.h (fwpuclnt.dll); every function returns a Win32 code or FWP_E_* HRESULT.
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmEngineOpen0(
        string serverName, uint authnService, IntPtr authIdentity, IntPtr session, out IntPtr engineHandle);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmEngineClose0(IntPtr engineHandle);
    [DllImport("fwpuclnt.dll")] public static extern void FwpmFreeMemory0(ref IntPtr p);

    [DllImport("fwpuclnt.dll")] public static extern uint FwpmEngineGetSecurityInfo0(IntPtr engine, uint si,
        out IntPtr owner, out IntPtr group, out IntPtr dacl, out IntPtr sacl, out IntPtr sd);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmConnectionGetSecurityInfo0(IntPtr engine, uint si,
        out IntPtr owner, out IntPtr group, out IntPtr dacl, out IntPtr sacl, out IntPtr sd);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpsAleEndpointGetSecurityInfo0(IntPtr engine, uint si,
        out IntPtr owner, out IntPtr group, out IntPtr dacl, out IntPtr sacl, out IntPtr sd);

    // The keyed Get functions share one signature: (engine, const GUID* key or NULL, si, ...).
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmProviderGetSecurityInfoByKey0(IntPtr engine, IntPtr key,
        uint si, out IntPtr owner, out IntPtr group, out IntPtr dacl, out IntPtr sacl, out IntPtr sd);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmSubLayerGetSecurityInfoByKey0(IntPtr engine, IntPtr key,
        uint si, out IntPtr owner, out IntPtr group, out IntPtr dacl, out IntPtr sacl, out IntPtr sd);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmLayerGetSecurityInfoByKey0(IntPtr engine, IntPtr key,
        uint si, out IntPtr owner, out IntPtr group, out IntPtr dacl, out IntPtr sacl, out IntPtr sd);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmCalloutGetSecurityInfoByKey0(IntPtr engine, IntPtr key,
        uint si, out IntPtr owner, out IntPtr group, out IntPtr dacl, out IntPtr sacl, out IntPtr sd);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmFilterGetSecurityInfoByKey0(IntPtr engine, IntPtr key,
        uint si, out IntPtr owner, out IntPtr group, out IntPtr dacl, out IntPtr sacl, out IntPtr sd);

    // Enumeration: (engine, const TEMPLATE* or NULL, HANDLE* enum); (engine, enum, n, T*** entries, UINT32* got).
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmProviderCreateEnumHandle0(IntPtr e, IntPtr t, out IntPtr h);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmProviderEnum0(IntPtr e, IntPtr h, uint n, out IntPtr entries, out uint got);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmProviderDestroyEnumHandle0(IntPtr e, IntPtr h);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmSubLayerCreateEnumHandle0(IntPtr e, IntPtr t, out IntPtr h);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmSubLayerEnum0(IntPtr e, IntPtr h, uint n, out IntPtr entries, out uint got);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmSubLayerDestroyEnumHandle0(IntPtr e, IntPtr h);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmLayerCreateEnumHandle0(IntPtr e, IntPtr t, out IntPtr h);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmLayerEnum0(IntPtr e, IntPtr h, uint n, out IntPtr entries, out uint got);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmLayerDestroyEnumHandle0(IntPtr e, IntPtr h);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmCalloutCreateEnumHandle0(IntPtr e, IntPtr t, out IntPtr h);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmCalloutEnum0(IntPtr e, IntPtr h, uint n, out IntPtr entries, out uint got);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmCalloutDestroyEnumHandle0(IntPtr e, IntPtr h);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmFilterCreateEnumHandle0(IntPtr e, IntPtr t, out IntPtr h);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmFilterEnum0(IntPtr e, IntPtr h, uint n, out IntPtr entries, out uint got);
    [DllImport("fwpuclnt.dll")] public static extern uint FwpmFilterDestroyEnumHandle0(IntPtr e, IntPtr h);

    // sddl.h (advapi32.dll); SDDL_REVISION_1 = 1.
    [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    public static extern bool ConvertSecurityDescriptorToStringSecurityDescriptorW(IntPtr sd, uint revision,
        uint si, out IntPtr text, out uint length);
    [DllImport("kernel32.dll")] public static extern IntPtr LocalFree(IntPtr p);
}
'@

$RPC_C_AUTHN_WINNT = 10
$SI = 0x1 -bor 0x2 -bor 0x4    # OWNER | GROUP | DACL_SECURITY_INFORMATION
$failures = 0

function Write-Failure([string]$what, [uint32]$code) {
  $script:failures++
  [Console]::Error.WriteLine(("export-wfp-security: {0}: 0x{1:X8}; left out" -f $what, $code))
}

# A returned PSECURITY_DESCRIPTOR as SDDL (freed here), or $null.
function ConvertTo-Sddl([IntPtr]$sd, [string]$what) {
  $text = [IntPtr]::Zero
  $len = [uint32]0
  try {
    if (-not [NtsecWfp]::ConvertSecurityDescriptorToStringSecurityDescriptorW($sd, 1, $SI, [ref]$text, [ref]$len)) {
      Write-Failure "$what (ConvertSecurityDescriptorToStringSecurityDescriptorW)" ([Runtime.InteropServices.Marshal]::GetLastWin32Error())
      return $null
    }
    return [Runtime.InteropServices.Marshal]::PtrToStringUni($text)
  } finally {
    if ($text -ne [IntPtr]::Zero) { [void][NtsecWfp]::LocalFree($text) }
    [NtsecWfp]::FwpmFreeMemory0([ref]$sd)
  }
}

# Calls a Get function (a script block returning the code, filling $sd) and returns SDDL or $null.
function Get-Sddl([string]$what, [scriptblock]$call) {
  $o = [IntPtr]::Zero; $g = [IntPtr]::Zero; $d = [IntPtr]::Zero; $s = [IntPtr]::Zero; $sd = [IntPtr]::Zero
  $code = & $call ([ref]$o) ([ref]$g) ([ref]$d) ([ref]$s) ([ref]$sd)
  if ($code -ne 0) { Write-Failure $what $code; return $null }
  return ConvertTo-Sddl $sd $what
}

# The keyed kinds: file kind, container name, the stem of the Fwpm*0 functions.
$Kinds = @(
  @{ kind = 'provider'; container = 'providers'; stem = 'Provider' },
  @{ kind = 'sublayer'; container = 'sublayers'; stem = 'SubLayer' },
  @{ kind = 'layer';    container = 'layers';    stem = 'Layer' },
  @{ kind = 'callout';  container = 'callouts';  stem = 'Callout' },
  @{ kind = 'filter';   container = 'filters';   stem = 'Filter' }
)

# Every object of a kind: @{ key = '{guid}'; name = '...' }. Each FWPM_*0 struct
# begins with its GUID key, then FWPM_DISPLAY_DATA0 { wchar_t* name; wchar_t* description; }
# at the next pointer-aligned offset (16).
function Get-Objects($k, [IntPtr]$engine) {
  $h = [IntPtr]::Zero
  $create = [NtsecWfp].GetMethod("Fwpm$($k.stem)CreateEnumHandle0")
  $enum = [NtsecWfp].GetMethod("Fwpm$($k.stem)Enum0")
  $destroy = [NtsecWfp].GetMethod("Fwpm$($k.stem)DestroyEnumHandle0")
  $cargs = @($engine, [IntPtr]::Zero, $h)      # ($args is PowerShell's own)
  $code = $create.Invoke($null, $cargs)
  if ($code -ne 0) { Write-Failure "Fwpm$($k.stem)CreateEnumHandle0" $code; return @() }
  $h = $cargs[2]
  $out = New-Object System.Collections.ArrayList
  try {
    while ($true) {
      $eargs = @($engine, $h, [uint32]256, [IntPtr]::Zero, [uint32]0)
      $code = $enum.Invoke($null, $eargs)
      if ($code -ne 0) { Write-Failure "Fwpm$($k.stem)Enum0" $code; break }
      $entries = [IntPtr]$eargs[3]; $got = [uint32]$eargs[4]
      for ($i = 0; $i -lt $got; $i++) {
        $p = [Runtime.InteropServices.Marshal]::ReadIntPtr($entries, $i * [IntPtr]::Size)
        $bytes = New-Object byte[] 16
        [Runtime.InteropServices.Marshal]::Copy($p, $bytes, 0, 16)
        $name = [Runtime.InteropServices.Marshal]::PtrToStringUni(
          [Runtime.InteropServices.Marshal]::ReadIntPtr($p, 16))
        [void]$out.Add(@{ key = ('{' + ([Guid]::new($bytes)).ToString() + '}'); name = $name })
      }
      if ($entries -ne [IntPtr]::Zero) { [NtsecWfp]::FwpmFreeMemory0([ref]$entries) }
      if ($got -lt 256) { break }
    }
  } finally {
    [void]$destroy.Invoke($null, @($engine, $h))
  }
  return $out
}

# A keyed Get (container with a NULL key, else the object) as SDDL.
function Get-KeyedSddl($k, [IntPtr]$engine, [string]$key) {
  $fn = [NtsecWfp].GetMethod("Fwpm$($k.stem)GetSecurityInfoByKey0")
  $keyPtr = [IntPtr]::Zero
  if ($key) {
    $keyPtr = [Runtime.InteropServices.Marshal]::AllocHGlobal(16)
    $bytes = ([Guid]::Parse($key)).ToByteArray()
    [Runtime.InteropServices.Marshal]::Copy($bytes, 0, $keyPtr, 16)
  }
  try {
    $gargs = @($engine, $keyPtr, [uint32]$SI, [IntPtr]::Zero, [IntPtr]::Zero, [IntPtr]::Zero, [IntPtr]::Zero, [IntPtr]::Zero)
    $code = $fn.Invoke($null, $gargs)
    $what = if ($key) { "$($k.kind) $key" } else { "$($k.container) container" }
    if ($code -ne 0) { Write-Failure "Fwpm$($k.stem)GetSecurityInfoByKey0 ($what)" $code; return $null }
    return ConvertTo-Sddl ([IntPtr]$gargs[7]) $what
  } finally {
    if ($keyPtr -ne [IntPtr]::Zero) { [Runtime.InteropServices.Marshal]::FreeHGlobal($keyPtr) }
  }
}

$engine = [IntPtr]::Zero
$code = [NtsecWfp]::FwpmEngineOpen0($null, $RPC_C_AUTHN_WINNT, [IntPtr]::Zero, [IntPtr]::Zero, [ref]$engine)
if ($code -ne 0) {
  [Console]::Error.WriteLine(("export-wfp-security: FwpmEngineOpen0 failed: 0x{0:X8} (run as an administrator)" -f $code))
  exit 2
}

try {
  $doc = [ordered]@{
    format = 'ntsec-wfp-security/1'
    source = [ordered]@{ machine = $env:COMPUTERNAME; exported = (Get-Date).ToUniversalTime().ToString('o');
                         tool = 'tools/export-wfp-security.ps1' }
  }
  $sddl = Get-Sddl 'FwpmEngineGetSecurityInfo0 (engine)' {
    param($o, $g, $d, $s, $sd) [NtsecWfp]::FwpmEngineGetSecurityInfo0($engine, $SI, $o, $g, $d, $s, $sd) }
  if ($sddl) { $doc.engine = [ordered]@{ sddl = $sddl } }

  $containers = [ordered]@{}
  foreach ($k in $Kinds) {
    $sddl = Get-KeyedSddl $k $engine $null
    if ($sddl) { $containers[$k.container] = [ordered]@{ sddl = $sddl } }
  }
  $sddl = Get-Sddl 'FwpmConnectionGetSecurityInfo0 (connections container)' {
    param($o, $g, $d, $s, $sd) [NtsecWfp]::FwpmConnectionGetSecurityInfo0($engine, $SI, $o, $g, $d, $s, $sd) }
  if ($sddl) { $containers['connections'] = [ordered]@{ sddl = $sddl } }
  $sddl = Get-Sddl 'FwpsAleEndpointGetSecurityInfo0 (ALE endpoint container)' {
    param($o, $g, $d, $s, $sd) [NtsecWfp]::FwpsAleEndpointGetSecurityInfo0($engine, $SI, $o, $g, $d, $s, $sd) }
  if ($sddl) { $containers['endpoints'] = [ordered]@{ sddl = $sddl } }
  $doc.containers = $containers

  $objects = New-Object System.Collections.ArrayList
  foreach ($k in $Kinds) {
    foreach ($o in (Get-Objects $k $engine)) {
      $sddl = Get-KeyedSddl $k $engine $o.key
      if ($sddl) { [void]$objects.Add([ordered]@{ kind = $k.kind; key = $o.key; name = $o.name; sddl = $sddl }) }
    }
  }
  $doc.objects = $objects

  $json = $doc | ConvertTo-Json -Depth 6
  [IO.File]::WriteAllText($Output, $json + "`n", (New-Object Text.UTF8Encoding($false)))
  [Console]::Error.WriteLine(("export-wfp-security: {0} objects written to {1}; {2} failed" -f $objects.Count, $Output, $failures))
} finally {
  [void][NtsecWfp]::FwpmEngineClose0($engine)
}
if ($failures -gt 0) { exit 1 }
exit 0
