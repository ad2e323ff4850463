-- wrk script of bench/load.py: what storefronts send, mixed. Three requests in four are
-- banner GETs (every page view); the others POST a consent as the snippet does
-- (text/plain, browser User-Agent and Origin, a fresh visitor and idempotency key), and
-- one POST in ten sends again a body already sent, key included, as the snippet's retry
-- queue does after a lost answer. Each thread counts what it sent and what came back, and
-- keeps the consent id of every 201; done() prints the totals on a "counts" line and
-- writes the ids to a file, for load.py to check against the database.
--
-- Arguments after --: the epoch second after which only GETs are sent (so that few POSTs
-- are in flight when wrk stops), the site key, and the file for the ids.

local GET_SHARE, RETRY_SHARE, KEPT = 0.75, 0.1, 64
local threads, counter = {}, 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  posts_until = tonumber(args[1]) or math.huge
  local site = args[2] or "demo-electronics"
  ids_file = args[3]
  banner_path = "/v1/sites/" .. site .. "/banner?lang=ar"
  consent_path = "/v1/sites/" .. site .. "/consents"
  created, replayed, banners, other, fresh, retried = 0, 0, 0, 0, 0, 0
  recent, ids = {}, {}
end

local function hex(n)
  local out = {}
  for i = 1, n do out[i] = string.format("%x", math.random(0, 15)) end
  return table.concat(out)
end

local function uuid4()
  return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" ..
         string.format("%x", math.random(8, 11)) .. hex(3) .. "-" .. hex(12)
end

local UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " ..
  "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
local ORIGIN = "https://al-voip.com"

local function new_body()
  return '{"visitor_id":"' .. uuid4() .. '","version":1,"action":"accept_all",' ..
    '"choices":{"necessary":true,"functional":true,"analytics":true,"advertising":true},' ..
    '"language":"ar","source":"banner","page":"https://al-voip.com/products/phone",' ..
    '"idempotency_key":"' .. hex(24) .. '"}'
end

function request()
  if math.random() < GET_SHARE or os.time() >= posts_until then
    return wrk.format("GET", banner_path, {["User-Agent"] = UA, ["Origin"] = ORIGIN})
  end
  local body
  if #recent > 0 and math.random() < RETRY_SHARE then
    body = recent[math.random(1, #recent)]
    retried = retried + 1
  else
    body = new_body()
    fresh = fresh + 1
    recent[(fresh - 1) % KEPT + 1] = body
  end
  return wrk.format("POST", consent_path, {["User-Agent"] = UA, ["Origin"] = ORIGIN,
    ["Content-Type"] = "text/plain;charset=UTF-8"}, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
    ids[#ids + 1] = string.match(body, '"consent_id":"([%x-]+)"')
  elseif status == 200 and string.sub(body, 1, 8) == '{"site":' then
    banners = banners + 1
  elseif status == 200 then
    replayed = replayed + 1  -- a retried key: answered with the first result
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local names = {"created", "replayed", "banners", "other", "fresh", "retried"}
  local line = {"counts"}
  for _, name in ipairs(names) do
    local total = 0
    for _, thread in ipairs(threads) do total = total + thread:get(name) end
    table.insert(line, name .. "=" .. total)
  end
  io.write(table.concat(line, " ") .. "\n")
  local path = threads[1]:get("ids_file")  -- init's arguments reach the threads only
  if not path then return end
  local out = io.open(path, "w")
  for _, thread in ipairs(threads) do
    local kept = thread:get("ids")
    if #kept > 0 then out:write(table.concat(kept, "\n") .. "\n") end
  end
  out:close()
end
