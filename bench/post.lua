-- post.lua — wrk script for bench/run: every request posts a new comment
-- (distinct text: the run, the wrk thread and a counter in it) to
-- /comments/post with Accept: application/json, as the reader script does.
-- The form token comes from the thread's JSON (form.token), fetched by
-- bench/run long enough before that the minimum age has passed.
--
-- Environment: BENCH_ARTICLE, BENCH_TOKEN, BENCH_RUN (a word that makes
-- this run's texts differ from every other run's).

local article = os.getenv("BENCH_ARTICLE") or "bench-article"
local token = os.getenv("BENCH_TOKEN") or ""
local run = os.getenv("BENCH_RUN") or "0"

local function urlencode(s)
	return (s:gsub("[^%w%-%._~]", function(c)
		return string.format("%%%02X", string.byte(c))
	end))
end

local texts = {
	"نظر خواننده دربارهٔ کتابخانهٔ تازه: ساعت کار خوب است ولی جای پارک کم است",
	"A reader's comment on the new library: the opening hours are good, parking is not",
	"برنامهٔ کتاب‌خوانی شبانه را دوست دارم؛ امیدوارم برای کودکان هم باشد",
}

local threads = 0
function setup(thread)
	threads = threads + 1
	thread:set("tid", threads)
end

local n = 0
local prefix = ""
function init(args)
	prefix = "article=" .. urlencode(article) .. "&token=" .. urlencode(token) ..
		"&name=" .. urlencode("خوانندهٔ آزمون")
end

function request()
	n = n + 1
	local text = texts[(n % #texts) + 1] .. " " .. run .. "-" .. tostring(tid) .. "-" ..
		tostring(n)
	return wrk.format("POST", "/comments/post", {
		["Content-Type"] = "application/x-www-form-urlencoded",
		["Accept"] = "application/json",
	}, prefix .. "&body=" .. urlencode(text))
end
