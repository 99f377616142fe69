-- ArgoCD health check for graft.dev/GraftedVirtualMachine.
-- Healthy: Ready=True for the current generation (the VM is in the state its runStrategy asks
-- for). Suspended: Ready, runStrategy Halted (the VM is Stopped).
-- Degraded: phase Failed, Degraded=True (bad input, a failed build, a VM KubeVirt cannot run:
-- ErrorUnschedulable, CrashLoopBackOff, DataVolumeError...), or Ready=False with nothing in progress.
-- Progressing: no status yet, a generation the operator has not seen, a build under way, a VM
-- starting, or a VM that runs an older image until it restarts (RestartRequired).
local hs = {}

local function condition(status, type)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function describe(c, fallback)
  if c == nil then
    return fallback
  end
  local text = c.reason or ""
  if c.message ~= nil and c.message ~= "" then
    if text ~= "" then
      text = text .. ": "
    end
    text = text .. c.message
  end
  if text == "" then
    return fallback
  end
  return text
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Graft operator to reconcile"
  return hs
end

local status = obj.status
local generation = obj.metadata ~= nil and obj.metadata.generation or nil
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local ready = condition(status, "Ready")
local degraded = condition(status, "Degraded")
local progressing = condition(status, "Progressing")
local phase = status.phase or "Pending"

if phase == "Failed" or (degraded ~= nil and degraded.status == "True") then
  hs.status = "Degraded"
  hs.message = describe(degraded ~= nil and degraded.status == "True" and degraded or ready, "Failed")
  return hs
end

if ready ~= nil and ready.status == "True" then
  local template = obj.spec ~= nil and obj.spec.virtualMachineTemplate or nil
  local vmSpec = template ~= nil and template.spec or nil
  local vm = status.virtualMachine
  if (vmSpec ~= nil and vmSpec.runStrategy == "Halted") or (vm ~= nil and vm.printableStatus == "Stopped") then
    hs.status = "Suspended"
    hs.message = "The VirtualMachine is stopped"
    return hs
  end
  hs.status = "Healthy"
  hs.message = describe(ready, "Ready")
  return hs
end

if ready ~= nil and ready.status == "False" and not (progressing ~= nil and progressing.status == "True") then
  hs.status = "Degraded"
  hs.message = describe(ready, "Not ready")
  return hs
end

hs.status = "Progressing"
hs.message = phase .. ": " .. describe(progressing ~= nil and progressing or ready, "in progress")
return hs
