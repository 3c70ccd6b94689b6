# Builds the Windows installers from this checkout:
#   dist\gdplayground-VERSION-windows-x64-setup.exe   Inno Setup installer (Start-menu entry,
#                                                      per-user by default: no admin rights needed)
#   dist\gdplayground-VERSION-windows-x64.zip          the same folder, to unzip and run
# Environment: PYTHON (default python; 3.10+), GDP_BUILD (default build\windows), GDP_OUT
# (default dist). PyInstaller lives only in the build environment GDP_BUILD\venv.
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

function Invoke-Checked([string]$What, [scriptblock]$Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}
function Step([string]$Text) { Write-Host "`n== $Text" }

$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
$Build = if ($env:GDP_BUILD) { $env:GDP_BUILD } else { "$Root\build\windows" }
$Out = if ($env:GDP_OUT) { $env:GDP_OUT } else { "$Root\dist" }
$Python = if ($env:PYTHON) { $env:PYTHON } else { "python" }
New-Item -ItemType Directory -Force -Path $Build, $Out | Out-Null
$Venv = "$Build\venv"
$Py = "$Venv\Scripts\python.exe"

Step "build environment ($Venv)"
if (-not (Test-Path $Py)) { Invoke-Checked "venv" { & $Python -m venv $Venv } }
Invoke-Checked "pip" { & $Py -m pip install -q --upgrade pip }
Invoke-Checked "pip" { & $Py -m pip install -q -c "$Root\packaging\build-constraints.txt" pyinstaller $Root }
Invoke-Checked "pip" { & $Py -m pip install -q --force-reinstall --no-deps $Root }
$Version = (& $Py -c "import gdplayground; print(gdplayground.__version__)").Trim()

Step "icons"
Invoke-Checked "icons" { & $Py "$Root\packaging\make_icons.py" "$Build\icons" }
$Icon = "$Build\icons\gdplayground.ico"

Step "PyInstaller"
if (Test-Path "$Build\dist") { Remove-Item -Recurse -Force "$Build\dist" }
$env:GDP_ICON = $Icon
Invoke-Checked "PyInstaller" {
    & "$Venv\Scripts\pyinstaller.exe" --noconfirm --log-level WARN --distpath "$Build\dist" `
        --workpath "$Build\work" "$Root\packaging\gdplayground.spec"
}
$Bundle = "$Build\dist\gdplayground"

Step "self-test of the bundle"
# gdplayground.exe is windowed (no console output); its twin gdplayground-cli.exe prints.
$env:QT_QPA_PLATFORM = "offscreen"
Invoke-Checked "self-test" { & "$Bundle\gdplayground-cli.exe" --self-test }
Invoke-Checked "screenshot" { & "$Bundle\gdplayground-cli.exe" --screenshot "$Build\screenshot.png" --steps 20 }
Remove-Item Env:QT_QPA_PLATFORM
$Size = [math]::Round((Get-ChildItem -Recurse -File $Bundle | Measure-Object -Sum Length).Sum / 1MB)
Write-Host "unpacked: $Size MB"

Step "zip"
$Zip = "$Out\gdplayground-$Version-windows-x64.zip"
if (Test-Path $Zip) { Remove-Item -Force $Zip }
Compress-Archive -Path $Bundle -DestinationPath $Zip
Write-Host $Zip

Step "Inno Setup"
$Found = Get-Command iscc.exe -ErrorAction SilentlyContinue
$Iscc = if ($Found) { $Found.Source } else { "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $Iscc)) {
    Invoke-Checked "installing Inno Setup" { choco install innosetup --yes --no-progress }
}
Invoke-Checked "Inno Setup" {
    & $Iscc /Qp "/DAppVersion=$Version" "/DSourceDir=$Bundle" "/DOutputDir=$Out" "/DIconFile=$Icon" `
        "$Root\packaging\windows\gdplayground.iss"
}
Get-ChildItem "$Out\gdplayground-$Version-windows-x64*" | ForEach-Object { Write-Host "$($_.FullName): $([math]::Round($_.Length / 1MB)) MB" }
