-- wrk script: POST a valid consent with a fresh random visitor (and idempotency key)
-- per request, as the snippet does with sendBeacon (text/plain, browser User-Agent).
-- The path comes from the URL given to wrk; the body is the same for both servers.

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
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

local actions = {
  '"action":"accept_all","choices":{"necessary":true,"functional":true,"analytics":true,"advertising":true}',
  '"action":"reject_all","choices":{"necessary":true,"functional":false,"analytics":false,"advertising":false}',
  '"action":"custom","choices":{"necessary":true,"functional":true,"analytics":true,"advertising":false}',
}

wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
wrk.headers["Origin"] = "https://al-voip.com"
wrk.headers["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " ..
  "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

function request()
  local body = '{"visitor_id":"' .. uuid4() .. '","version":1,' ..
    actions[math.random(1, #actions)] ..
    ',"language":"ar","source":"banner","page":"https://al-voip.com/products/phone",' ..
    '"idempotency_key":"' .. hex(24) .. '"}'
  return wrk.format(nil, nil, nil, body)
end
