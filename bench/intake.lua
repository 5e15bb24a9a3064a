-- wrk script for Qorgau's intake: varied synthetic complaints (about nobody), sent with the
-- bench's staff token. Used by bench/intake.sh to drive Qorgau with the same tool that measures
-- the machine's ceiling; `qorgau bench intake` then checks durability with its own client.
local regions = {"KZ-10","KZ-11","KZ-15","KZ-19","KZ-23","KZ-27","KZ-31","KZ-33","KZ-35","KZ-39",
                 "KZ-43","KZ-47","KZ-55","KZ-59","KZ-61","KZ-62","KZ-63","KZ-71","KZ-75","KZ-79"}
local channels = {"phone","web","messenger","sms","email","school","qr","walk_in","agency_referral"}
local relations = {"mother","father","step_parent","sibling","spouse","former_partner","teacher","classmate","neighbour","stranger"}
local narratives = {
  {"ru", "Соседи слышат крики и удары из квартиры почти каждый вечер. Ребёнок боится идти домой."},
  {"kk", "Баланы үйде жалғыз қамап кетеді, ол күні бойы тамақсыз отырады."},
  {"en", "My sister's husband follows her to work and sends threatening messages every day."},
  {"ru", "Одноклассники снимают девочку на телефон и выкладывают видео в группу."},
}
local counter = 0

function init(args)
  math.randomseed(os.time())
end
local function body()
  counter = counter + 1
  local n = narratives[math.random(#narratives)]
  local reporter
  if math.random(10) <= 4 then
    reporter = '{"anonymous":true}'
  else
    reporter = string.format('{"name":"Synthetic Reporter %d","phone":"+7 700 000 %02d %02d","relation":"%s","consent_to_contact":true,"safe_to_contact":%s}',
      math.random(9999), math.random(0, 99), math.random(0, 99), relations[math.random(#relations)], math.random(2) == 1 and "true" or "false")
  end
  return string.format('{"channel":"%s","region":"%s","locality":"Synthetic district %d","language":"%s","narrative":"%s (%d)","reporter":%s,"victims":[{"age":%d,"sex":"%s"}],"perpetrators":[{"relation":"%s","sex":"male"}]}',
    channels[math.random(#channels)], regions[math.random(#regions)], math.random(50), n[1], n[2], counter, reporter,
    math.random(0, 60), math.random(2) == 1 and "female" or "male", relations[math.random(#relations)])
end

function request()
  return wrk.format("POST", "/api/v1/complaints", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer bench-token-not-a-secret",
  }, body())
end

function done(summary, latency, requests)
  io.write(string.format("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
